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

    /// <summary>Orthogonal init with gains √2 (hidden), 0.01 (policy head), 1 (value head); false: PyTorch's default <c>nn.Linear</c> init, U(±1/√fan_in) for weights and biases (SB3's <c>ortho_init=False</c>).</summary>
    public bool OrthogonalInit { get; init; } = true;

    /// <summary>
    /// Policy and value heads on one shared trunk (the <see cref="PolicyHiddenSizes"/> layers;
    /// <see cref="ValueHiddenSizes"/> is then unused) instead of two separate networks. Only for
    /// algorithms with one joint loss (ppo, ppo-kl, ppo-mc, a2c).
    /// </summary>
    public bool SharedTrunk { get; init; }

    /// <summary>Initial log σ of a Gaussian policy (0 → σ = 1).</summary>
    public float LogStdInit { get; init; }
}
