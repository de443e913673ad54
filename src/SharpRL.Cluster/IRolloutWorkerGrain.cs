namespace SharpRL.Cluster;

/// <summary>
/// A rollout worker: a grain living in one worker silo (its key is that silo's address), owning that
/// silo's env copies and a replica of the policy.
/// </summary>
public interface IRolloutWorkerGrain : IGrainWithStringKey
{
    /// <summary>Answers who the worker is (the worker silo calls it once at start-up, which places the grain there).</summary>
    Task<string> Hello();

    /// <summary>Checks the run against the worker's env and sets up its slice of copies; refuses with a reason.</summary>
    Task<JoinReply> Join(JoinRequest request);

    /// <summary>Loads the weights and collects one fixed-length rollout of the worker's copies.</summary>
    Task<RolloutResult> Collect(RolloutRequest request);
}
