namespace SharpRL.Algorithms.PolicyGradient;

/// <summary>A2C settings; defaults are SB3's (n_steps 5, lr 7e-4, λ 1, RMSprop α 0.99 ε 1e-5, no advantage normalisation).</summary>
public sealed record A2cOptions : OnPolicyOptions
{
    /// <summary>Creates SB3's A2C defaults.</summary>
    public A2cOptions()
    {
        NumSteps = 5;
        LearningRate = Schedule.Constant(7e-4);
        GaeLambda = 1.0;
        NormalizeAdvantage = false;
    }

    /// <summary>RMSprop (true, SB3's default) or Adam (false) for the single step per rollout.</summary>
    public bool UseRmsProp { get; init; } = true;

    /// <summary>RMSprop α, the decay of the squared-gradient average.</summary>
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>RMSprop ε, added outside the square root (torch's form).</summary>
    public double RmsPropEpsilon { get; init; } = 1e-5;

    /// <summary>Adam ε when <see cref="UseRmsProp"/> is false.</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(RmsPropAlpha is >= 0 and < 1, "rms_prop_alpha", RmsPropAlpha, "in [0, 1)");
        Require(RmsPropEpsilon > 0, "rms_prop_eps", RmsPropEpsilon, "positive");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "positive");
    }
}
