namespace SharpRL.Logging;

/// <summary>
/// Metric names, identical to Stable-Baselines3's so that plots and scripts written for SB3 runs
/// read SharpRL runs unchanged. The prefix before '/' is the group in the console table.
/// </summary>
public static class MetricKeys
{
    /// <summary>Estimate of KL(π_old ‖ π) over the last minibatch epoch (PPO).</summary>
    public const string ApproxKl = "train/approx_kl";

    /// <summary>Fraction of samples whose probability ratio fell outside the clip range (PPO).</summary>
    public const string ClipFraction = "train/clip_fraction";

    /// <summary>Negative mean entropy, as it enters the loss.</summary>
    public const string EntropyLoss = "train/entropy_loss";

    /// <summary>Mean policy-gradient (surrogate) loss.</summary>
    public const string PolicyGradientLoss = "train/policy_gradient_loss";

    /// <summary>Mean value-function loss.</summary>
    public const string ValueLoss = "train/value_loss";

    /// <summary>Total loss of the last minibatch.</summary>
    public const string Loss = "train/loss";

    /// <summary>1 − Var[returns − values] / Var[returns] over the rollout.</summary>
    public const string ExplainedVariance = "train/explained_variance";

    /// <summary>Learning rate used in this update.</summary>
    public const string LearningRate = "train/learning_rate";

    /// <summary>Clip range ε used in this update (PPO).</summary>
    public const string ClipRange = "train/clip_range";

    /// <summary>Number of gradient steps taken so far.</summary>
    public const string NUpdates = "train/n_updates";

    /// <summary>Mean standard deviation of a diagonal Gaussian policy.</summary>
    public const string Std = "train/std";

    /// <summary>KL divergence between the old and new policy after the update (TRPO, NPG).</summary>
    public const string Kl = "train/kl";

    /// <summary>Penalty coefficient β on the KL term (adaptive-KL PPO).</summary>
    public const string Beta = "train/beta";

    /// <summary>1 when the backtracking line search accepted a step, else 0 (TRPO).</summary>
    public const string IsLineSearchSuccess = "train/is_line_search_success";

    /// <summary>Fraction of the full natural-gradient step that was accepted (TRPO).</summary>
    public const string StepFraction = "train/step_fraction";

    /// <summary>Final residual norm of the conjugate-gradient solve (TRPO, NPG).</summary>
    public const string CgResidual = "train/cg_residual";

    /// <summary>Mean undiscounted return of the recent finished episodes.</summary>
    public const string EpisodeRewardMean = "rollout/ep_rew_mean";

    /// <summary>Mean length of the recent finished episodes.</summary>
    public const string EpisodeLengthMean = "rollout/ep_len_mean";

    /// <summary>Environment steps per second since training started.</summary>
    public const string Fps = "time/fps";

    /// <summary>Environment steps taken so far, over all parallel environments.</summary>
    public const string TotalTimesteps = "time/total_timesteps";

    /// <summary>Number of rollout–update iterations so far.</summary>
    public const string Iterations = "time/iterations";

    /// <summary>Seconds since training started.</summary>
    public const string TimeElapsed = "time/time_elapsed";
}
