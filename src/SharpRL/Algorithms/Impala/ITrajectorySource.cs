namespace SharpRL.Algorithms.Impala;

/// <summary>
/// Where an IMPALA learner gets its experience from: actors that each hold env copies and a replica of
/// the policy, act with the latest weights they have received (possibly older than the learner's) and
/// deliver fixed-length <see cref="TrajectoryChunk"/>s. <see cref="LocalTrajectorySource"/> runs them as
/// threads of this process; a cluster implementation runs them on other machines. docs/impala.md states the
/// contract.
/// </summary>
/// <remarks>
/// The learner calls both methods from one thread. An implementation must: deliver each chunk once;
/// stamp it with the version of the weights that chose its actions; make every chunk exactly the unroll
/// length it was built for; and never block <see cref="PublishWeights"/> on actors (copy the weights and return).
/// </remarks>
public interface ITrajectorySource : IDisposable
{
    /// <summary>Publishes new weights (the flat parameter vector, in <c>ActorCriticPolicy.Parameters</c> order) with their version to the actors.</summary>
    /// <param name="parameters">θ, copied before the call returns.</param>
    /// <param name="version">Increases with every publish (the learner's update count).</param>
    void PublishWeights(ReadOnlySpan<float> parameters, long version);

    /// <summary>Blocks until at least one chunk is ready and returns the chunks that are ready (at most <paramref name="maxChunks"/>); the list may be reused by the next call, the chunks are the caller's.</summary>
    /// <param name="maxChunks">The most chunks to return; positive.</param>
    /// <param name="cancel">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    IReadOnlyList<TrajectoryChunk> Receive(int maxChunks, CancellationToken cancel);
}

/// <summary>
/// A trajectory source whose actors can be saved between two <see cref="ITrajectorySource.Receive"/> calls
/// and restored so that they continue exactly (the synchronous mode of <see cref="LocalTrajectorySource"/>).
/// </summary>
public interface ICheckpointableTrajectorySource : ITrajectorySource
{
    /// <summary>Why the actors cannot be saved right now (e.g. asynchronous actors), or null when <see cref="SaveState"/> works.</summary>
    string? StateUnavailableReason { get; }

    /// <summary>The actors' complete state (envs, generators, current observations).</summary>
    JsonNode SaveState();

    /// <summary>Restores what <see cref="SaveState"/> wrote; throws <see cref="ArgumentException"/> naming what does not fit.</summary>
    void LoadState(JsonNode state);
}
