using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Nn;
using SharpRL.Policies;
using SharpRL.Rng;

namespace SharpRL.Cluster;

/// <summary>
/// The state of one worker silo: its env copies, the policy replica and the per-copy generators
/// (<see cref="RolloutCollector"/>). A silo-wide singleton, so a grain re-activation keeps the envs' episodes.
/// </summary>
public sealed class RolloutWorker : IDisposable
{
    /// <summary>Wire-format version of <see cref="JoinRequest"/> / <see cref="RolloutResult"/>.</summary>
    public const int ProtocolVersion = 3;

    /// <summary>
    /// The <c>policy.*</c> settings of a run's options as JSON: what a worker needs to build a replica of the
    /// learner's networks (join requests of both the synchronous and the IMPALA cluster carry it).
    /// </summary>
    internal static string PolicyOptionsJson(object options)
    {
        var policy = new JsonObject();
        foreach ((string key, JsonNode? value) in OptionsBinder.ToJson(options))
        {
            if (key.StartsWith("policy.", StringComparison.Ordinal))
            {
                policy[key] = value?.DeepClone();
            }
        }

        return policy.ToJsonString();
    }

    private readonly Func<string, IEnv> _makeEnv;
    private readonly Lock _gate = new();
    private IVectorEnv? _env;
    private ActorCriticPolicy? _policy;
    private ParameterVector<float>? _parameters;
    private RolloutBuffer? _buffer;
    private RolloutCollector? _collector;
    private JoinRequest? _run;
    private readonly List<(int Step, EpisodeStatistics Episode)> _episodes = [];

    /// <summary>Creates the worker.</summary>
    /// <param name="makeEnv">Makes one env copy from an id (the registry, with a user's assembly loaded).</param>
    /// <param name="offeredEnvs">Env copies this worker runs (0: whatever the learner asks).</param>
    /// <param name="pinnedEnvId">The env this worker was started for (null: any the learner names).</param>
    /// <param name="pinnedAlgorithm">The algorithm this worker was started for (null: any on-policy one).</param>
    public RolloutWorker(Func<string, IEnv> makeEnv, int offeredEnvs = 0, string? pinnedEnvId = null, string? pinnedAlgorithm = null)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        ArgumentOutOfRangeException.ThrowIfNegative(offeredEnvs);
        _makeEnv = makeEnv;
        OfferedEnvs = offeredEnvs;
        PinnedEnvId = pinnedEnvId;
        PinnedAlgorithm = pinnedAlgorithm;
    }

    /// <summary>Env copies this worker runs (0: whatever the learner asks).</summary>
    public int OfferedEnvs { get; }

    /// <summary>The env this worker was started for, or null.</summary>
    public string? PinnedEnvId { get; }

    /// <summary>The algorithm this worker was started for, or null.</summary>
    public string? PinnedAlgorithm { get; }

    /// <summary>Makes one env copy of <paramref name="envId"/> the way this worker makes its rollout copies (the IMPALA actor uses it).</summary>
    public IEnv MakeEnv(string envId) => _makeEnv(envId);

    /// <summary>Rollouts collected so far.</summary>
    public long Rollouts { get; private set; }

    /// <summary>Checks the run and sets up the slice; a refusal says what differs.</summary>
    public JoinReply Join(JoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            string? refusal = Check(request);
            if (refusal is not null)
            {
                return new JoinReply { Accepted = false, Reason = refusal, Describe = Describe() };
            }

            IVectorEnv env;
            try
            {
                env = ClusterNormalization.Wrap(new SyncVectorEnv(() => _makeEnv(request.EnvId), request.NumEnvs), request.Normalization);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException)
            {
                return new JoinReply { Accepted = false, Reason = $"this worker cannot make env '{request.EnvId}': {e.Message}", Describe = Describe() };
            }

            if ((env.SingleObservationSpace.ToString() ?? "") != request.ObservationSpace || (env.SingleActionSpace.ToString() ?? "") != request.ActionSpace)
            {
                string reason = $"env '{request.EnvId}' on this worker has observations {env.SingleObservationSpace} and actions {env.SingleActionSpace}; the learner expects {request.ObservationSpace} and {request.ActionSpace} (a different env version or --env-assembly?)";
                env.Dispose();
                return new JoinReply { Accepted = false, Reason = reason, Describe = Describe() };
            }

            PolicyOptions policyOptions;
            try
            {
                OnPolicyOptions options = OptionsBinder.FromJson(new OnPolicyOptions(), JsonNode.Parse(request.PolicyOptionsJson)!.AsObject());
                policyOptions = options.Policy;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                env.Dispose();
                return new JoinReply { Accepted = false, Reason = $"the learner's policy settings are not readable here: {e.Message}", Describe = Describe() };
            }

            _env?.Dispose();
            _env = env;

            // The replica's initial weights are overwritten by every request; the generator only has to exist.
            _policy = new ActorCriticPolicy(env.SingleObservationSpace, env.SingleActionSpace, policyOptions, new SerializableRandom(request.Seed));
            _parameters = new ParameterVector<float>(_policy.Parameters);
            _buffer = new RolloutBuffer(request.NumSteps, request.NumEnvs, env.SingleObservationSpace.FlatSize, _policy.ActionSize, _policy.Distribution.ParameterSize);
            _collector = new RolloutCollector(env, _policy, _buffer, request.Seed, request.FirstEnvIndex);
            _run = request;
            return new JoinReply { Accepted = true, Describe = Describe() };
        }
    }

    /// <summary>Loads the weights and collects one rollout of this worker's copies.</summary>
    public RolloutResult Collect(RolloutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            if (_collector is null || _parameters is null || _buffer is null)
            {
                throw new InvalidOperationException("This worker has not joined a run (Join first).");
            }

            if (request.Parameters.Length != _parameters.Count * sizeof(float))
            {
                throw new ArgumentException($"The request holds {request.Parameters.Length} bytes of weights; this worker's policy has {_parameters.Count} parameters ({_parameters.Count * sizeof(float)} bytes).", nameof(request));
            }

            long started = Stopwatch.GetTimestamp();
            _parameters.SetValues(MemoryMarshal.Cast<byte, float>(request.Parameters));
            _episodes.Clear();
            ClusterNormalization.Load(_env!, request.Statistics);
            _collector.Collect(0, RecordEpisode);
            RolloutBuffer b = _buffer;
            var result = new RolloutResult
            {
                Version = request.Version,
                Observations = Bytes(b.Observations),
                Actions = Bytes(b.Actions),
                DistributionParameters = Bytes(b.OldDistributionParameters),
                LogProbs = Bytes(b.LogProbs),
                Values = Bytes(b.Values),
                NextValues = Bytes(b.NextValues),
                Rewards = Bytes(b.Rewards),
                Terminated = Bytes(b.Terminated),
                Truncated = Bytes(b.Truncated),
                EpisodeSteps = new int[_episodes.Count * 3],
                EpisodeReturns = new double[_episodes.Count],
                StatisticsDelta = ClusterNormalization.Delta(request.Statistics, ClusterNormalization.Snapshot(_env!)),
            };
            for (int e = 0; e < _episodes.Count; e++)
            {
                (int step, EpisodeStatistics episode) = _episodes[e];
                result.EpisodeSteps[3 * e] = step;
                result.EpisodeSteps[(3 * e) + 1] = episode.EnvIndex;
                result.EpisodeSteps[(3 * e) + 2] = episode.Length;
                result.EpisodeReturns[e] = episode.Return;
            }

            result.CollectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Rollouts++;
            return result;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _env?.Dispose();

    private void RecordEpisode(EpisodeStatistics episode) => _episodes.Add((_collector!.CurrentStep, episode));

    /// <summary>
    /// Why this worker refuses <paramref name="request"/> (null: it accepts): another protocol version, env or
    /// algorithm than it was started for, another copy count than it offers, or an invalid slice.
    /// </summary>
    /// <param name="request">The join request.</param>
    /// <param name="algorithm">The learner's algorithm.</param>
    /// <param name="steps">Steps per message (n_steps, or IMPALA's unroll length).</param>
    /// <param name="stepsName">What <paramref name="steps"/> is called in the refusal.</param>
    internal string? CheckJoin(RunSlice request, string algorithm, int steps, string stepsName)
    {
        if (request.ProtocolVersion != ProtocolVersion)
        {
            return $"the learner speaks protocol version {request.ProtocolVersion}; this worker speaks {ProtocolVersion} (use the same SharpRL version on every machine)";
        }

        if (PinnedEnvId is not null && PinnedEnvId != request.EnvId)
        {
            return $"this worker was started for env '{PinnedEnvId}'; the learner trains on '{request.EnvId}'";
        }

        if (PinnedAlgorithm is not null && !string.Equals(PinnedAlgorithm, algorithm, StringComparison.OrdinalIgnoreCase))
        {
            return $"this worker was started for algorithm '{PinnedAlgorithm}'; the learner runs '{algorithm}'";
        }

        if (OfferedEnvs != 0 && OfferedEnvs != request.NumEnvs)
        {
            return $"this worker offers {OfferedEnvs} env copies (--envs); the learner asks for {request.NumEnvs}";
        }

        return request.NumEnvs <= 0 || steps <= 0 || request.FirstEnvIndex < 0
            ? $"invalid slice: {request.NumEnvs} envs from copy {request.FirstEnvIndex}, {stepsName} {steps} (all must be positive)"
            : null;
    }

    private string? Check(JoinRequest request) =>
        CheckJoin(request, request.Algorithm, request.NumSteps, "steps")
        ?? (!AlgorithmRegistry.Contains(request.Algorithm) || AlgorithmRegistry.Get(request.Algorithm).Family != AlgorithmFamily.OnPolicy
            ? $"algorithm '{request.Algorithm}' is not an on-policy actor-critic algorithm this worker can collect rollouts for (expected one of: {string.Join(", ", AlgorithmRegistry.All.Where(d => d.Family == AlgorithmFamily.OnPolicy).Select(d => d.Name))})"
            : null);

    private static string Describe() => $"{Environment.MachineName} pid {Environment.ProcessId}";

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
