namespace SharpRL.Algorithms.PolicyGradient;

/// <summary>
/// REINFORCE settings. λ is fixed at 1 (Monte-Carlo returns); <see cref="OnPolicyOptions.LearningRate"/> is the
/// policy's step size and the baseline has its own. <see cref="OnPolicyOptions.VfCoef"/> is unused: the
/// baseline is fitted by its own regression, not through a joint loss.
/// </summary>
public sealed record ReinforceOptions : OnPolicyOptions
{
    /// <summary>Creates the defaults: Monte-Carlo returns, plain (unnormalised, unclipped) policy gradient, Adam 1e-3.</summary>
    public ReinforceOptions()
    {
        GaeLambda = 1.0;
        LearningRate = Schedule.Constant(1e-3);
        NormalizeAdvantage = false;
        MaxGradNorm = 0;
        VfCoef = 0;
    }

    /// <summary>Passes of baseline regression over each rollout.</summary>
    public int BaselineEpochs { get; init; } = 5;

    /// <summary>Adam step size of the baseline regression.</summary>
    public double BaselineLearningRate { get; init; } = 1e-3;

    /// <summary>Minibatch size of the baseline regression.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam ε of both optimisers.</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!Policy.SharedTrunk, "policy.shared_trunk", "true", "false: REINFORCE fits its baseline apart from the policy");
        Require(GaeLambda == 1.0, "gae_lambda", GaeLambda, "1 (REINFORCE uses Monte-Carlo returns; use a2c or ppo for λ < 1)");
        Require(BaselineEpochs > 0, "baseline_epochs", BaselineEpochs, "a positive integer");
        Require(BaselineLearningRate > 0, "baseline_learning_rate", BaselineLearningRate, "positive");
        Require(BatchSize > 0 && BatchSize <= RolloutSize, "batch_size", BatchSize, $"in [1, n_envs × n_steps = {RolloutSize}]");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "positive");
    }
}
