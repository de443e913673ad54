using SharpRL.Nn;

namespace SharpRL.Policies;

/// <summary>Architecture of an <see cref="ActorCriticPolicy"/> (SB3's MlpPolicy defaults).</summary>
public sealed record PolicyOptions
{
    /// <summary>Hidden layer widths of the policy network.</summary>
    public IReadOnlyList<int> PolicyHiddenSizes { get; init; } = [64, 64];

    /// <summary>Hidden layer widths of the value network.</summary>
    public IReadOnlyList<int> ValueHiddenSizes { get; init; } = [64, 64];

    /// <summary>Hidden activation.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Orthogonal init with gains √2 (hidden), 0.01 (policy head), 1 (value head).</summary>
    public bool OrthogonalInit { get; init; } = true;

    /// <summary>Initial log σ of a Gaussian policy (0 → σ = 1).</summary>
    public float LogStdInit { get; init; }
}
