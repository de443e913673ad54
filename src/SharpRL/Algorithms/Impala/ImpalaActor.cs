using SharpRL.Envs.Vector;

namespace SharpRL.Algorithms.Impala;

/// <summary>
/// One IMPALA actor: K env copies, a replica of the policy (refreshed from the published weights at the
/// start of each unroll, so it may be older than the learner's) and its own generator. An unroll steps
/// the K copies T times with one batched policy pass per step and returns K chunks. The step loop
/// allocates nothing; the chunks it returns are new arrays (they leave this actor).
/// </summary>
internal sealed class ImpalaActor : IDisposable
{
    private readonly SyncVectorEnv _env;
    private readonly ActorCriticPolicy _policy;
    private readonly ParameterVector<float> _parameters;
    private readonly SerializableRandom _random;
    private readonly int _envSeed;
    private readonly int _firstSourceId;
    private readonly int _unrollLength;
    private readonly int _observationSize;
    private readonly int _actionSize;
    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly float[] _actions;
    private readonly float[] _envActions;
    private readonly float[] _logProbs;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly List<float>[] _finalObservations;
    private readonly List<double>[] _episodeReturns;
    private readonly List<int>[] _episodeLengths;
    private bool _needsReset = true;

    /// <summary>Creates the actor's env copies and policy replica.</summary>
    /// <param name="makeEnv">Creates one env copy.</param>
    /// <param name="numEnvs">K.</param>
    /// <param name="unrollLength">T.</param>
    /// <param name="policyOptions">The learner's architecture (the replica must match it).</param>
    /// <param name="firstSourceId">Global index of this actor's first env copy: copy i is seeded with seed + firstSourceId + i.</param>
    /// <param name="seed">The run's seed.</param>
    public ImpalaActor(Func<IEnv> makeEnv, int numEnvs, int unrollLength, PolicyOptions policyOptions, int firstSourceId, int seed)
    {
        _env = new SyncVectorEnv(makeEnv, numEnvs);
        if (_env.HasActionMasks)
        {
            _env.Dispose();
            throw new ArgumentException("The env supplies action masks, which the IMPALA actors do not apply yet; train it with ppo, a2c or another on-policy algorithm.", nameof(makeEnv));
        }

        // The replica's initial weights are overwritten by the first published ones; its init generator is irrelevant.
        _policy = new ActorCriticPolicy(_env.SingleObservationSpace, _env.SingleActionSpace, policyOptions, new Random(0));
        _parameters = new ParameterVector<float>(_policy.Parameters);
        _random = new SerializableRandom(unchecked(((long)seed << 20) + firstSourceId + 1));
        _envSeed = unchecked(seed + firstSourceId);
        _firstSourceId = firstSourceId;
        _unrollLength = unrollLength;
        _observationSize = _env.SingleObservationSpace.FlatSize;
        _actionSize = _policy.ActionSize;
        NumEnvs = numEnvs;
        _observations = new float[numEnvs * _observationSize];
        _nextObservations = new float[numEnvs * _observationSize];
        _actions = new float[numEnvs * _actionSize];
        _envActions = new float[numEnvs * _env.SingleActionSpace.FlatSize];
        _logProbs = new float[numEnvs];
        _rewards = new double[numEnvs];
        _terminated = new bool[numEnvs];
        _truncated = new bool[numEnvs];
        _finalObservations = [.. Enumerable.Range(0, numEnvs).Select(_ => new List<float>())];
        _episodeReturns = [.. Enumerable.Range(0, numEnvs).Select(_ => new List<double>())];
        _episodeLengths = [.. Enumerable.Range(0, numEnvs).Select(_ => new List<int>())];
    }

    /// <summary>K, the env copies (and chunks per unroll).</summary>
    public int NumEnvs { get; }

    /// <summary>The env's observation space.</summary>
    public Spaces.Space ObservationSpace => _env.SingleObservationSpace;

    /// <summary>The env's action space.</summary>
    public Spaces.Space ActionSpace => _env.SingleActionSpace;

    /// <summary>Version of the weights the replica holds (−1 before the first refresh).</summary>
    public long PolicyVersion { get; private set; } = -1;

    /// <summary>Parameter count of the replica (what a published vector must have).</summary>
    public int ParameterCount => _parameters.Count;

    /// <summary>Copies the published weights into the replica when they are newer than its own.</summary>
    public void Refresh(PublishedWeights published)
    {
        if (published.Version == PolicyVersion)
        {
            return;
        }

        PolicyVersion = published.CopyTo(_parameters);
    }

    /// <summary>Steps every copy T times with the replica and returns one chunk per copy.</summary>
    public TrajectoryChunk[] Unroll()
    {
        int n = NumEnvs, o = _observationSize, a = _actionSize, length = _unrollLength;
        if (_needsReset)
        {
            _env.Reset(_observations, _envSeed);
            _needsReset = false;
        }

        var observations = new float[n][];
        var actions = new float[n][];
        var rewards = new float[n][];
        var terminated = new bool[n][];
        var truncated = new bool[n][];
        var logProbs = new float[n][];
        for (int i = 0; i < n; i++)
        {
            (observations[i], actions[i], rewards[i]) = (new float[(length + 1) * o], new float[length * a], new float[length]);
            (terminated[i], truncated[i], logProbs[i]) = (new bool[length], new bool[length], new float[length]);
            _finalObservations[i].Clear();
            _episodeReturns[i].Clear();
            _episodeLengths[i].Clear();
        }

        for (int t = 0; t < length; t++)
        {
            // a_t ~ μ(·|x_t), the replica's policy; ln μ(a_t|x_t) travels with the chunk for the importance weights.
            ReadOnlySpan<float> parameters = _policy.ForwardDistribution(_observations, n);
            _policy.Distribution.Sample(parameters, _actions, n, _random);
            _policy.Distribution.LogProb(parameters, _actions, _logProbs, n);
            for (int i = 0; i < n; i++)
            {
                _observations.AsSpan(i * o, o).CopyTo(observations[i].AsSpan(t * o, o));
                _actions.AsSpan(i * a, a).CopyTo(actions[i].AsSpan(t * a, a));
                logProbs[i][t] = _logProbs[i];
            }

            _policy.ToEnvActions(_actions, _envActions, n);
            _env.Step(_envActions, _nextObservations, _rewards, _terminated, _truncated);
            ReadOnlySpan<float> finals = _env.FinalObservations;
            for (int i = 0; i < n; i++)
            {
                rewards[i][t] = (float)_rewards[i];
                terminated[i][t] = _terminated[i];
                truncated[i][t] = _truncated[i];

                // A time-limit cut is bootstrapped from the episode's last observation, not the reset one.
                if (_truncated[i] && !_terminated[i])
                {
                    foreach (float value in finals.Slice(i * o, o))
                    {
                        _finalObservations[i].Add(value);
                    }
                }
            }

            // Indexed: enumerating the interface would allocate an enumerator every step.
            IReadOnlyList<EpisodeStatistics> completed = _env.CompletedEpisodes;
            for (int e = 0; e < completed.Count; e++)
            {
                _episodeReturns[completed[e].EnvIndex].Add(completed[e].Return);
                _episodeLengths[completed[e].EnvIndex].Add(completed[e].Length);
            }

            _nextObservations.CopyTo(_observations, 0);
        }

        var chunks = new TrajectoryChunk[n];
        for (int i = 0; i < n; i++)
        {
            _observations.AsSpan(i * o, o).CopyTo(observations[i].AsSpan(length * o, o));
            chunks[i] = new TrajectoryChunk
            {
                Length = length,
                ObservationSize = o,
                ActionSize = a,
                PolicyVersion = PolicyVersion,
                SourceId = _firstSourceId + i,
                Observations = observations[i],
                Actions = actions[i],
                Rewards = rewards[i],
                Terminated = terminated[i],
                Truncated = truncated[i],
                BehaviourLogProbs = logProbs[i],
                FinalObservations = [.. _finalObservations[i]],
                EpisodeReturns = [.. _episodeReturns[i]],
                EpisodeLengths = [.. _episodeLengths[i]],
            };
        }

        return chunks;
    }

    /// <summary>The actor's complete state between unrolls: env copies, generator, current observations.</summary>
    public JsonObject SaveState() => new()
    {
        ["env"] = _env.SaveState(),
        ["rng_state"] = _random.SaveState(),
        ["needs_reset"] = _needsReset,
        ["observations"] = new JsonArray([.. _observations.Select(v => JsonValue.Create((double)v))]),
    };

    /// <summary>Restores <see cref="SaveState"/>'s output; throws <see cref="ArgumentException"/> naming what does not fit.</summary>
    public void LoadState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state["observations"] is not JsonArray observations || observations.Count != _observations.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"observations must be an array of {_observations.Length} numbers (n_envs × observation size)."), nameof(state));
        }

        float[] values = [.. observations.Select(v => v is JsonValue number && number.TryGetValue(out double x) ? (float)x : throw new ArgumentException("observations holds a value that is not a number.", nameof(state)))];
        bool needsReset = state["needs_reset"] is JsonValue flag && flag.TryGetValue(out bool b) ? b : throw new ArgumentException("needs_reset must be true or false.", nameof(state));
        string rng = state["rng_state"] is JsonValue text && text.TryGetValue(out string? s) ? s : throw new ArgumentException("rng_state must be a generator state string.", nameof(state));
        JsonNode env = state["env"] ?? throw new ArgumentException("env (the env copies' state) is missing.", nameof(state));
        _random.RestoreState(rng);
        _env.LoadState(env);
        values.CopyTo(_observations, 0);
        _needsReset = needsReset;
    }

    /// <summary>Disposes the env copies.</summary>
    public void Dispose() => _env.Dispose();
}

/// <summary>The latest weights the learner published, shared by the actors (copied under a lock).</summary>
internal sealed class PublishedWeights
{
    private readonly Lock _gate = new();
    private readonly float[] _values;
    private long _version = -1;

    /// <summary>Room for <paramref name="count"/> parameters.</summary>
    public PublishedWeights(int count) => _values = new float[count];

    /// <summary>The latest version (−1 before the first publish).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Replaces the weights.</summary>
    public void Publish(ReadOnlySpan<float> parameters, long version)
    {
        if (parameters.Length != _values.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"parameters has {parameters.Length} values; the actors' policy has {_values.Length}."), nameof(parameters));
        }

        lock (_gate)
        {
            parameters.CopyTo(_values);
            Volatile.Write(ref _version, version);
        }
    }

    /// <summary>Copies the weights into <paramref name="destination"/> and returns their version.</summary>
    public long CopyTo(ParameterVector<float> destination)
    {
        lock (_gate)
        {
            destination.SetValues(_values);
            return _version;
        }
    }
}
