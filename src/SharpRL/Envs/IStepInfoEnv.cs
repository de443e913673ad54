namespace SharpRL.Envs;

/// <summary>
/// Optional: an env that reports Gymnasium-style info scalars after each Reset/Step (the numbers of
/// Gymnasium's <c>info</c> dict, e.g. a MuJoCo env's position, velocity and reward terms).
/// </summary>
/// <remarks>
/// Wrappers (<see cref="Wrappers.Wrapper"/>) forward both members to the env they wrap (an env without
/// info reports no keys); vector envs expose each copy's values through <see cref="IVectorStepInfoEnv"/>.
/// </remarks>
public interface IStepInfoEnv
{
    /// <summary>Info keys, fixed for the env's lifetime (e.g. "x_position", "x_velocity", "reward_ctrl").</summary>
    IReadOnlyList<string> InfoKeys { get; }

    /// <summary>Writes the values of the last Reset/Step, in <see cref="InfoKeys"/> order (NaN = not reported this step).</summary>
    /// <param name="values">Destination of <c>InfoKeys.Count</c> values.</param>
    void GetInfo(Span<double> values);
}

/// <summary>
/// A vector env whose copies report info scalars (<see cref="IStepInfoEnv"/>). After a Step, copy i's
/// values are those of its latest step, before an autoreset replaced its state (Gymnasium's
/// <c>final_info</c> for a copy that finished).
/// </summary>
public interface IVectorStepInfoEnv
{
    /// <summary>Info keys of one copy (empty when the copies report none).</summary>
    IReadOnlyList<string> InfoKeys { get; }

    /// <summary>Writes copy <paramref name="envIndex"/>'s values of the latest Reset/Step.</summary>
    /// <param name="envIndex">Copy index in [0, NumEnvs).</param>
    /// <param name="values">Destination of <c>InfoKeys.Count</c> values.</param>
    void GetInfo(int envIndex, Span<double> values);
}
