namespace SharpRL.Algorithms;

/// <summary>
/// What the run layer (<c>SharpRL.Training.TrainingRun</c>, the CLI's <c>train</c>, <c>eval</c> and
/// checkpoints) needs from a learning algorithm, whatever its family: on-policy (PPO, TRPO, …),
/// off-policy (DDPG, TD3, SAC) or learning from data (behaviour cloning, AWR).
/// </summary>
/// <remarks>
/// A learner owns its networks, optimizers, buffers and generator; the env (or dataset) it learns from
/// is created by its <see cref="AlgorithmDescriptor"/> and owned by the run. Everything a resumed run
/// needs to continue bit-exactly must go through <see cref="SaveState"/> and <see cref="LoadState"/>.
/// docs/run-layer.md describes how a new algorithm plugs in.
/// </remarks>
public interface ILearner : IDisposable
{
    /// <summary>
    /// Progress so far, in the unit the budget is counted in: env steps summed over copies for
    /// algorithms that act in an env, gradient steps for algorithms that learn from a fixed dataset
    /// (<see cref="AlgorithmDescriptor.ProgressUnit"/>).
    /// </summary>
    long NumTimesteps { get; }

    /// <summary>Mean return of the recent training episodes (NaN when there are none, e.g. before the first, or for learning from data).</summary>
    double RecentMeanReturn { get; }

    /// <summary>Cumulative wall time per phase of training, in a fixed order (e.g. rollout, advantages, update, logging).</summary>
    IReadOnlyList<KeyValuePair<string, TimeSpan>> TimeByPhase { get; }

    /// <summary>
    /// Trains until <see cref="NumTimesteps"/> reaches <paramref name="totalTimesteps"/> (counting earlier
    /// calls, so a resumed learner continues where it stopped).
    /// </summary>
    /// <param name="totalTimesteps">Total budget of the run.</param>
    /// <param name="afterIteration">
    /// Called after each iteration (one rollout and update, or one chunk of gradient steps), at a point
    /// where <see cref="SaveState"/> captures a consistent state: checkpoints, evaluation and progress
    /// bars hook in here.
    /// </param>
    /// <param name="cancellationToken">
    /// Checked between iterations (never inside one): once cancelled, Learn returns false and the state can
    /// be checkpointed; a later Learn with the same budget continues exactly as if never stopped.
    /// </param>
    /// <returns>True when the budget was reached; false when stopped by <paramref name="cancellationToken"/>.</returns>
    bool Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken);

    /// <summary>
    /// Adds everything needed to continue exactly to <paramref name="state"/>: weights, optimizer moments,
    /// counters (at least "num_timesteps"), generator states, buffers, the env's state.
    /// </summary>
    void SaveState(LearnerState state);

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote into a learner built with the same descriptor, options,
    /// env and seed. Throws a <see cref="CheckpointException"/> naming the file and field for anything
    /// missing, ill-typed or out of range.
    /// </summary>
    /// <returns>True when training will continue exactly as the uninterrupted run; false when some state could not be kept (e.g. a user env without <c>IStatefulEnv</c>).</returns>
    bool LoadState(CheckpointData checkpoint);

    /// <summary>
    /// The current policy as it would be evaluated: acting in one raw (unwrapped, unnormalised) env,
    /// with any observation normalisation frozen at its current statistics. Used by periodic evaluation;
    /// it must not touch the learner's generators or statistics.
    /// </summary>
    IActingPolicy CreateEvaluationPolicy();

    /// <summary>
    /// Called after every iteration and when training throws: a cheap scan of this iteration's data
    /// (observations, rewards) and of the parameters for NaN or infinity. Returns null when all are
    /// finite, else what went non-finite and its likely cause (the env's output, or divergence: lower the
    /// learning rate). The run then stops without saving the bad state, keeping the last good checkpoint.
    /// </summary>
    string? DescribeNonFinite() => null;
}
