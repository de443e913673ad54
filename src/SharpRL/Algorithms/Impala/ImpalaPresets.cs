namespace SharpRL.Algorithms.Impala;

/// <summary>Tuned starting points of IMPALA for the built-in envs (measured in docs/impala.md).</summary>
public static class ImpalaPresets
{
    /// <summary>The preset for <paramref name="envId"/>, or null (the defaults).</summary>
    public static Preset<ImpalaOptions>? For(string envId) => envId switch
    {
        "CartPole-v1" => new Preset<ImpalaOptions>(new ImpalaOptions(), 200_000, "SharpRL impala CartPole-v1 (tuned here, docs/impala.md)"),
        "Pendulum-v1" => new Preset<ImpalaOptions>(new ImpalaOptions { Gamma = 0.9 }, 500_000, "SharpRL impala Pendulum-v1 (tuned here, docs/impala.md)"),
        _ => null,
    };
}
