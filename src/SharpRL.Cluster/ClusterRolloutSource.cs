using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Orleans.Runtime;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Nn;

namespace SharpRL.Cluster;

/// <summary>
/// Synchronous distributed rollouts (distributed PPO; DD-PPO, Wijmans et al. 2020): each iteration the learner
/// sends the weights of version v to every worker, each worker returns one fixed-length rollout of its slice of
/// env copies made with v (one message), and the learner places the slices in global copy order in its
/// RolloutBuffer. With <see cref="Quorum"/> = 1 and a fixed worker set the buffer equals, bit for bit, the one a
/// single process with all copies fills (<see cref="RolloutCollector"/>).
/// </summary>
/// <remarks>
/// Workers are the silos of the cluster other than the learner's, found through Orleans' membership
/// (<see cref="IClusterMembershipService"/>). The copies are split in <see cref="Workers"/> equal slices;
/// slice s is copies s·K … s·K + K − 1; silos beyond the slices are spares. A worker that fails during an
/// iteration (its silo died, a call timed out, or it sent a malformed rollout) is dropped, its partial rollout
/// discarded, and its slice handed to the next worker silo (a spare, or one that joins later), which starts its
/// copies from a reset. With <see cref="Quorum"/> below 1 the learner proceeds without the slices that have not
/// reported <see cref="StragglerDeadline"/> after the first report (preempted stragglers, whose late rollout is
/// discarded); their columns then hold a copy of a reported slice's, so the update trains on reported, on-policy
/// transitions with the batch size unchanged (docs/cluster.md).
/// </remarks>
public sealed class ClusterRolloutSource : IRolloutSource
{
    private readonly IGrainFactory _grains;
    private readonly IClusterMembershipService _membership;
    private readonly SiloAddress _learnerSilo;
    private readonly JoinRequest _template;
    private readonly Slot[] _slots;
    private readonly HashSet<SiloAddress> _seen = [];
    private readonly Dictionary<SiloAddress, long> _joinFailedAt = [];
    private readonly Action<string> _log;
    private float[] _weights = [];
    private double _quorum = 1;
    private bool _started;

    /// <summary>Creates the source for <paramref name="agent"/>'s run.</summary>
    /// <param name="services">The learner silo's services (grain factory, membership, local silo).</param>
    /// <param name="agent">The learner's algorithm (its options, spaces and seed define the run).</param>
    /// <param name="algorithm">Algorithm name, checked by workers.</param>
    /// <param name="envId">Env id the workers make.</param>
    /// <param name="workers">Worker count W; n_envs must be a multiple of it.</param>
    /// <param name="log">Where progress lines go (joins, refusals, drops).</param>
    public ClusterRolloutSource(IServiceProvider services, OnPolicyAlgorithm agent, string algorithm, string envId, int workers, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        int n = agent.Env.NumEnvs;
        if (n % workers != 0)
        {
            throw new ArgumentException($"n_envs = {n} cannot be split evenly over {workers} workers; choose n_envs as a multiple of --workers.", nameof(workers));
        }

        _grains = (IGrainFactory)services.GetService(typeof(IGrainFactory))!;
        _membership = (IClusterMembershipService)services.GetService(typeof(IClusterMembershipService))!;
        _learnerSilo = ((ILocalSiloDetails)services.GetService(typeof(ILocalSiloDetails))!).SiloAddress;
        _log = log ?? (_ => { });
        _template = new JoinRequest
        {
            ProtocolVersion = RolloutWorker.ProtocolVersion,
            Algorithm = algorithm,
            EnvId = envId,
            ObservationSpace = agent.Policy.ObservationSpace.ToString() ?? "",
            ActionSpace = agent.Policy.ActionSpace.ToString() ?? "",
            Seed = agent.Seed,
            NumEnvs = n / workers,
            NumSteps = agent.Buffer.Steps,
            PolicyOptionsJson = RolloutWorker.PolicyOptionsJson(agent.Options),
            Normalization = ClusterNormalization.SettingsOf(agent.Env),
        };
        _slots = [.. Enumerable.Range(0, workers).Select(s => new Slot(s * (n / workers)))];
        Workers = workers;
    }

    /// <summary>Worker count W.</summary>
    public int Workers { get; }

    /// <summary>How long to wait for workers to join (and for a replacement of a dropped one).</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one worker's rollout may take before the worker is dropped.</summary>
    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Seconds per phase of the last iteration: the slowest worker's collection, and the whole round trip.</summary>
    public (double WorkerCollect, double RoundTrip) LastTiming { get; private set; }

    /// <summary>Per-worker throughput and lag, for the status page (<see cref="ClusterStatusServer"/>).</summary>
    public ClusterStatusBoard Board { get; } = new();

    /// <summary>Workers dropped so far (failed, timed out or sent a malformed rollout).</summary>
    public int Dropped { get; private set; }

    /// <summary>
    /// Fraction of the slices that must report before the learner may proceed without the others (DD-PPO's
    /// preemption threshold). 1, the default, waits for every slice: the run is then byte-identical to one
    /// process. Below 1 the learner proceeds once <see cref="StragglerDeadline"/> has passed since the first
    /// slice reported and ⌈quorum · W⌉ slices have.
    /// </summary>
    public double Quorum
    {
        get => _quorum;
        init
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "quorum must be a fraction of the slices in (0, 1].");
            }

            _quorum = value;
        }
    }

    /// <summary>With <see cref="Quorum"/> below 1: how long after the first report the stragglers are waited for.</summary>
    public TimeSpan StragglerDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rollouts of stragglers discarded so far (their slice did not report before the quorum deadline).</summary>
    public int Preempted { get; private set; }

    /// <summary>Slices whose rollout the last iteration trained on.</summary>
    public int LastReported { get; private set; }

    /// <inheritdoc />
    public void Collect(OnPolicyAlgorithm agent, Action<EpisodeStatistics> onEpisode)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(onEpisode);
        long started = Stopwatch.GetTimestamp();
        var parameters = new ParameterVector<float>(agent.Policy.Parameters);
        if (_weights.Length != parameters.Count)
        {
            _weights = new float[parameters.Count];
        }

        parameters.CopyValuesTo(_weights);
        var request = new RolloutRequest { Version = agent.Iterations, Parameters = MemoryMarshal.AsBytes(_weights.AsSpan()).ToArray(), Statistics = ClusterNormalization.Snapshot(agent.Env) };
        var round = new Round(_slots.Length);

        // The first iteration of a (resumed) run waits for every slice's worker; later ones only for a quorum.
        // Workers that joined since the last iteration take vacant slices here, so they collect from this one on.
        int required = _started ? RequiredReports : _slots.Length;
        _started = true;
        FillSlots(() => Potential(round) >= required, required);
        Issue(round, request);
        long firstReport = 0;
        while (round.Reported < _slots.Length)
        {
            if (Potential(round) < required)
            {
                // A worker dropped and too few are left for the quorum: its replacement collects this iteration.
                FillSlots(() => Potential(round) >= required, required);
                Issue(round, request);
            }

            bool quorum = round.Reported >= required;
            double waited = firstReport == 0 ? 0 : Stopwatch.GetElapsedTime(firstReport).TotalSeconds;
            List<Task> running = Running(round);
            if (quorum && (running.Count == 0 || waited >= StragglerDeadline.TotalSeconds))
            {
                break;
            }

            if (running.Count == 0)
            {
                Thread.Sleep(10);
                continue;
            }

            int timeout = quorum ? (int)Math.Ceiling(Math.Max(0, StragglerDeadline.TotalSeconds - waited) * 1000) : Timeout.Infinite;
            Task.WaitAny([.. running], timeout);
            for (int s = 0; s < _slots.Length; s++)
            {
                if (_slots[s].Busy is { IsCompleted: true } busy)
                {
                    // A call this source stopped waiting for in an earlier iteration: its rollout is discarded.
                    _slots[s].Busy = null;
                    if (!busy.IsCompletedSuccessfully)
                    {
                        Drop(s, $"failed ({Describe(busy.Exception)})");
                    }
                }

                if (round.Calls[s] is { IsCompleted: true } call && round.Results[s] is null)
                {
                    round.Calls[s] = null;
                    if (!Equals(round.CalledSilos[s], _slots[s].Silo))
                    {
                        // Made to a worker that membership dropped meanwhile (a replacement holds the slice now).
                        _ = call.Exception;
                        continue;
                    }

                    try
                    {
                        RolloutResult result = call.GetAwaiter().GetResult();
                        string? error = Validate(result, request.Version, _template.NumSteps, _template.NumEnvs, _slots[s].FirstEnvIndex, agent.Buffer)
                            ?? ClusterNormalization.Validate(_template.Normalization, result.StatisticsDelta, agent.Env.SingleObservationSpace.FlatSize, (_template.NumSteps + 1L) * _template.NumEnvs);
                        if (error is not null)
                        {
                            Drop(s, $"sent a malformed rollout ({error})");
                            continue;
                        }

                        round.Results[s] = result;
                        round.Reported++;
                        Board.Report(s, _slots[s].Describe, _slots[s].FirstEnvIndex, (long)_template.NumSteps * _template.NumEnvs, result.CollectSeconds, request.Version);
                        if (firstReport == 0)
                        {
                            firstReport = Stopwatch.GetTimestamp();
                        }
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        Drop(s, $"failed ({e.GetType().Name}: {e.Message})");
                    }
                }
            }

            Issue(round, request);
        }

        Preempt(round, request.Version);
        double slowest = 0;
        var episodes = new List<(int Step, EpisodeStatistics Episode)>();
        var reported = new List<int>();
        for (int s = 0; s < _slots.Length; s++)
        {
            if (round.Results[s] is not { } result)
            {
                continue;
            }

            reported.Add(s);
            slowest = Math.Max(slowest, result.CollectSeconds);
            Scatter(result, agent.Buffer, _slots[s].FirstEnvIndex, _template.NumEnvs);
            for (int e = 0; e < result.EpisodeReturns.Length; e++)
            {
                episodes.Add((result.EpisodeSteps[3 * e], new EpisodeStatistics(result.EpisodeSteps[(3 * e) + 1], result.EpisodeReturns[e], result.EpisodeSteps[(3 * e) + 2])));
            }
        }

        // Normaliser statistics: the reported workers' deltas merged in slot order (Chan et al.), published with the next weights.
        ClusterNormalization.MergeInto(agent.Env, reported.Select(s => round.Results[s]!.StatisticsDelta));

        // Slices that did not report take a copy of a reported slice (rotating with the iteration), so the
        // update keeps its batch size and minibatch count and trains on reported transitions only.
        int missing = 0;
        for (int s = 0; s < _slots.Length; s++)
        {
            if (round.Results[s] is null)
            {
                int source = reported[(int)((agent.Iterations + missing) % reported.Count)];
                Scatter(round.Results[source]!, agent.Buffer, _slots[s].FirstEnvIndex, _template.NumEnvs);
                missing++;
            }
        }

        // The single-process order: by step, then by global copy.
        foreach ((int _, EpisodeStatistics episode) in episodes.OrderBy(e => e.Step).ThenBy(e => e.Episode.EnvIndex))
        {
            onEpisode(episode);
        }

        LastReported = reported.Count;
        if (Quorum < 1)
        {
            agent.Logger.Record("cluster/reported_slices", reported.Count);
            agent.Logger.Record("cluster/preempted_total", Preempted);
        }

        LastTiming = (slowest, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Slices that must report before the learner may proceed: ⌈quorum · W⌉, at least 1.</summary>
    public int RequiredReports => Math.Max(1, (int)Math.Ceiling((Quorum * _slots.Length) - 1e-9));

    private static string Describe(Exception? e) => e?.InnerException is { } inner ? $"{inner.GetType().Name}: {inner.Message}" : e?.Message ?? "cancelled";

    /// <summary>Slices that have reported or still can this iteration (a worker holds them).</summary>
    private int Potential(Round round)
    {
        int count = 0;
        for (int s = 0; s < _slots.Length; s++)
        {
            if (round.Results[s] is not null || _slots[s].Worker is not null)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Asks every held slice that is neither done, in flight nor still busy with an earlier call.</summary>
    private void Issue(Round round, RolloutRequest request)
    {
        for (int s = 0; s < _slots.Length; s++)
        {
            if (_slots[s].Worker is { } worker && round.Results[s] is null && round.Calls[s] is null && _slots[s].Busy is null)
            {
                round.Calls[s] = worker.Collect(request).WaitAsync(RolloutTimeout);
                round.CalledSilos[s] = _slots[s].Silo;
            }
        }
    }

    private List<Task> Running(Round round)
    {
        var running = new List<Task>();
        for (int s = 0; s < _slots.Length; s++)
        {
            if (round.Calls[s] is { } call)
            {
                running.Add(call);
            }

            if (_slots[s].Busy is { } busy)
            {
                running.Add(busy);
            }
        }

        return running;
    }

    /// <summary>
    /// Stops waiting for the slices still collecting (DD-PPO's preemption of stragglers, Wijmans et al. 2020):
    /// their rollout of this version is discarded when it arrives, and they are asked again once it has.
    /// </summary>
    private void Preempt(Round round, long version)
    {
        for (int s = 0; s < _slots.Length; s++)
        {
            if (round.Calls[s] is { } call && Equals(round.CalledSilos[s], _slots[s].Silo))
            {
                _slots[s].Busy = call;
                Preempted++;
                _log(string.Create(CultureInfo.InvariantCulture,
                    $"worker {_slots[s].Describe} (copies {_slots[s].FirstEnvIndex}..{_slots[s].FirstEnvIndex + _template.NumEnvs - 1}) preempted at version {version}: {round.Reported} of {_slots.Length} slices reported within {StragglerDeadline.TotalSeconds:0.###} s of the first; its rollout will be discarded."));
            }
        }
    }

    /// <summary>
    /// Checks a worker's rollout against the slice it was asked for; returns what is wrong, or null. Every
    /// block must have exactly steps × envs × size floats, episodes must lie inside the slice and the rollout.
    /// </summary>
    public static string? Validate(RolloutResult result, long version, int steps, int envs, int firstEnvIndex, RolloutBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (result is null)
        {
            return "no result";
        }

        if (result.Version != version)
        {
            return string.Create(CultureInfo.InvariantCulture, $"made with weights version {result.Version}, expected {version}");
        }

        long rows = (long)steps * envs;
        (string Name, byte[]? Block, int Size)[] blocks =
        [
            ("observations", result.Observations, buffer.ObservationSize),
            ("actions", result.Actions, buffer.ActionSize),
            ("distribution parameters", result.DistributionParameters, buffer.DistributionParameterSize),
            ("log-probabilities", result.LogProbs, 1),
            ("values", result.Values, 1),
            ("next values", result.NextValues, 1),
            ("rewards", result.Rewards, 1),
            ("terminated flags", result.Terminated, 1),
            ("truncated flags", result.Truncated, 1),
        ];
        foreach ((string name, byte[]? block, int size) in blocks)
        {
            long expected = rows * size * sizeof(float);
            if (block is null || block.LongLength != expected)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name}: {block?.LongLength ?? 0} bytes, expected {expected} ({steps} steps × {envs} envs × {size} floats)");
            }
        }

        if (result.EpisodeSteps is null || result.EpisodeReturns is null || result.EpisodeSteps.Length != 3 * result.EpisodeReturns.Length)
        {
            return "episode lists of mismatched lengths";
        }

        for (int e = 0; e < result.EpisodeReturns.Length; e++)
        {
            int step = result.EpisodeSteps[3 * e], env = result.EpisodeSteps[(3 * e) + 1], length = result.EpisodeSteps[(3 * e) + 2];
            if (step < 0 || step >= steps || env < firstEnvIndex || env >= firstEnvIndex + envs || length <= 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"episode {e} at step {step} of copy {env} with length {length} lies outside the rollout (steps 0..{steps - 1}, copies {firstEnvIndex}..{firstEnvIndex + envs - 1})");
            }
        }

        return null;
    }

    private static void Scatter(RolloutResult result, RolloutBuffer buffer, int first, int envs)
    {
        int n = buffer.Envs;
        Place(result.Observations, buffer.Observations, buffer.ObservationSize);
        Place(result.Actions, buffer.Actions, buffer.ActionSize);
        Place(result.DistributionParameters, buffer.OldDistributionParameters, buffer.DistributionParameterSize);
        Place(result.LogProbs, buffer.LogProbs, 1);
        Place(result.Values, buffer.Values, 1);
        Place(result.NextValues, buffer.NextValues, 1);
        Place(result.Rewards, buffer.Rewards, 1);
        Place(result.Terminated, buffer.Terminated, 1);
        Place(result.Truncated, buffer.Truncated, 1);

        // Worker rows [t × envs] go to columns first … first + envs − 1 of the learner's [t × n] rows.
        void Place(byte[] block, float[] destination, int size)
        {
            ReadOnlySpan<float> source = MemoryMarshal.Cast<byte, float>(block);
            for (int t = 0; t < buffer.Steps; t++)
            {
                source.Slice(t * envs * size, envs * size).CopyTo(destination.AsSpan(((t * n) + first) * size, envs * size));
            }
        }
    }

    private void Drop(int slot, string why)
    {
        Board.Drop(slot);
        if (_slots[slot].Worker is null)
        {
            return;
        }

        _log($"worker {_slots[slot].Describe} (copies {_slots[slot].FirstEnvIndex}..{_slots[slot].FirstEnvIndex + _template.NumEnvs - 1}) {why}: dropped, its partial rollout discarded; waiting for a worker to take its copies.");
        _slots[slot].Worker = null;
        _slots[slot].Silo = null;
        _slots[slot].Busy = null;
        Dropped++;
    }

    /// <summary>
    /// Hands vacant slices to worker silos that have not been used yet (in slice order), then waits, up to
    /// <see cref="JoinTimeout"/>, until <paramref name="enough"/> holds. Active silos beyond the vacant slices are
    /// left untried: they are spares, used as soon as a slice falls vacant.
    /// </summary>
    private void FillSlots(Func<bool> enough, int needed)
    {
        long started = Stopwatch.GetTimestamp();
        var refusals = new List<string>();
        while (true)
        {
            // A slot whose silo membership declared dead is vacant before any call is made to it.
            foreach (ClusterMember member in _membership.CurrentSnapshot.Members.Values)
            {
                for (int s = 0; s < _slots.Length; s++)
                {
                    if (_slots[s].Worker is not null && member.SiloAddress.Equals(_slots[s].Silo) && member.Status is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping)
                    {
                        Drop(s, $"left the cluster ({member.Status})");
                    }
                }
            }

            foreach (ClusterMember member in _membership.CurrentSnapshot.Members.Values.OrderBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal))
            {
                int vacant = Array.FindIndex(_slots, s => s.Worker is null);
                if (vacant < 0)
                {
                    break;
                }

                if (member.Status != SiloStatus.Active || member.SiloAddress.Equals(_learnerSilo) || _seen.Contains(member.SiloAddress)
                    || (_joinFailedAt.TryGetValue(member.SiloAddress, out long failed) && Stopwatch.GetElapsedTime(failed) < TimeSpan.FromSeconds(2)))
                {
                    continue;
                }

                IRolloutWorkerGrain worker = _grains.GetGrain<IRolloutWorkerGrain>(member.SiloAddress.ToParsableString());
                JoinRequest request = WithSlice(_slots[vacant].FirstEnvIndex);
                JoinReply reply;
                try
                {
                    reply = worker.Join(request).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Maybe transient (the silo is still starting): tried again 2 s later.
                    if (!_joinFailedAt.ContainsKey(member.SiloAddress))
                    {
                        refusals.Add($"silo {member.SiloAddress}: join failed ({e.Message})");
                        _log(refusals[^1] + "; trying again.");
                    }

                    _joinFailedAt[member.SiloAddress] = Stopwatch.GetTimestamp();
                    continue;
                }

                _seen.Add(member.SiloAddress);
                if (!reply.Accepted)
                {
                    refusals.Add($"worker {reply.Describe} (silo {member.SiloAddress}) refused: {reply.Reason}");
                    _log(refusals[^1]);
                    continue;
                }

                _slots[vacant].Worker = worker;
                _slots[vacant].Silo = member.SiloAddress;
                _slots[vacant].Describe = reply.Describe;
                _log($"worker {reply.Describe} joined: copies {request.FirstEnvIndex}..{request.FirstEnvIndex + request.NumEnvs - 1}.");
            }

            if (enough() || Array.TrueForAll(_slots, s => s.Worker is not null))
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > JoinTimeout)
            {
                int have = _slots.Count(s => s.Worker is not null);
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Waited {JoinTimeout.TotalSeconds:F0} s for the workers of {needed} of {_slots.Length} slices; {have} joined.{(refusals.Count > 0 ? " " + string.Join(" ", refusals) : "")} Start workers with `sharprl cluster worker --join HOST:PORT`."));
            }

            Thread.Sleep(100);
        }
    }

    private JoinRequest WithSlice(int first) => _template with { FirstEnvIndex = first };

    private sealed class Slot(int firstEnvIndex)
    {
        public int FirstEnvIndex { get; } = firstEnvIndex;

        public IRolloutWorkerGrain? Worker { get; set; }

        public SiloAddress? Silo { get; set; }

        public string Describe { get; set; } = "";

        /// <summary>A call of an earlier iteration that was preempted and has not answered yet.</summary>
        public Task<RolloutResult>? Busy { get; set; }
    }

    /// <summary>One iteration's calls and results, by slice.</summary>
    private sealed class Round(int slices)
    {
        public RolloutResult?[] Results { get; } = new RolloutResult?[slices];

        public Task<RolloutResult>?[] Calls { get; } = new Task<RolloutResult>?[slices];

        public SiloAddress?[] CalledSilos { get; } = new SiloAddress?[slices];

        public int Reported { get; set; }
    }
}
