using SharpRL.Distributions;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// The acting half of the on-policy loop: steps a vector env with the current policy for one rollout
/// and fills a <see cref="RolloutBuffer"/> (observations, actions, ln π_old, V, rewards, the
/// termination flags and the bootstrap values V(s_{t+1})).
/// </summary>
/// <remarks>
/// <para>
/// Every env copy samples its actions from its own generator, derived from the run's seed and the copy's
/// <em>global</em> index (<see cref="CreateActionStream"/>), and is reset with seed + global index. A
/// rollout is therefore a function of (weights, seed, global env index) per copy and does not depend on how
/// the copies are grouped: N copies in one process and W workers of K = N / W copies (each collector
/// starting at <see cref="FirstEnvIndex"/> = w·K) produce the same rows bit for bit, which is what a
/// synchronous distributed run (DD-PPO, Wijmans et al. 2020) needs to equal a single-process one. The
/// networks are evaluated on the whole local batch; row i of a batched forward pass does not depend on the
/// other rows (the GEMM kernels reduce along k in one fixed order per row).
/// </para>
/// <para>The generators' states are part of an exact checkpoint (<see cref="ActionStreams"/>).</para>
/// </remarks>
public sealed class RolloutCollector
{
    private readonly IVectorEnv _env;
    private readonly ActorCriticPolicy _policy;
    private readonly RolloutBuffer _buffer;
    private readonly SerializableRandom[] _streams;
    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly float[] _actions;
    private readonly float[] _envActions;
    private readonly float[] _values;
    private readonly float[] _logProbs;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly bool[] _actionMasks;
    private readonly IVectorActionMaskEnv? _maskEnv;
    private readonly float[] _finalValue = new float[1];

    /// <summary>Creates the collector for copies <paramref name="firstEnvIndex"/> … + env.NumEnvs − 1 of a run.</summary>
    /// <param name="env">The copies this collector steps (local index i is global index firstEnvIndex + i).</param>
    /// <param name="policy">The policy that acts (its weights are read at every step).</param>
    /// <param name="buffer">Where a rollout goes: Envs must equal env.NumEnvs.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="firstEnvIndex">Global index of local copy 0 (0 in a single-process run).</param>
    public RolloutCollector(IVectorEnv env, ActorCriticPolicy policy, RolloutBuffer buffer, int seed, int firstEnvIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(firstEnvIndex);
        int n = env.NumEnvs;
        if (buffer.Envs != n || buffer.ObservationSize != env.SingleObservationSpace.FlatSize || buffer.ActionSize != policy.ActionSize)
        {
            throw new ArgumentException($"buffer is for {buffer.Envs} envs × {buffer.ObservationSize} observation floats × {buffer.ActionSize} action floats, but the env has {n} copies of {env.SingleObservationSpace.FlatSize} and the policy acts with {policy.ActionSize}.", nameof(buffer));
        }

        _env = env;
        _policy = policy;
        _buffer = buffer;
        Seed = seed;
        FirstEnvIndex = firstEnvIndex;
        int maskSize = buffer.ActionMaskSize;
        if (maskSize > 0)
        {
            _maskEnv = env as IVectorActionMaskEnv
                ?? throw new ArgumentException($"buffer stores {maskSize} action-mask flags per step, but the env ({env}) supplies no masks.", nameof(env));
        }

        _streams = new SerializableRandom[n];
        for (int i = 0; i < n; i++)
        {
            _streams[i] = CreateActionStream(seed, firstEnvIndex + i);
        }

        int observationSize = env.SingleObservationSpace.FlatSize;
        _actionMasks = new bool[n * maskSize];
        _observations = new float[n * observationSize];
        _nextObservations = new float[n * observationSize];
        _actions = new float[n * policy.ActionSize];
        _envActions = new float[n * env.SingleActionSpace.FlatSize];
        _values = new float[n];
        _logProbs = new float[n];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
    }

    /// <summary>The run's seed (env copy i is reset with seed + its global index).</summary>
    public int Seed { get; }

    /// <summary>Global index of local copy 0.</summary>
    public int FirstEnvIndex { get; }

    /// <summary>The observations the next rollout starts from ([N × observation size]; checkpointed for an exact resume).</summary>
    public float[] CurrentObservations => _observations;

    /// <summary>Whether the next rollout must reset the env first (true until the first rollout).</summary>
    public bool NeedsReset { get; set; } = true;

    /// <summary>The step of the rollout being collected (what <c>onEpisode</c> of <see cref="Collect"/> reads to place an episode).</summary>
    public int CurrentStep { get; private set; }

    /// <summary>Copy i's action-sampling generator (its state belongs in an exact checkpoint).</summary>
    public IReadOnlyList<SerializableRandom> ActionStreams => _streams;

    /// <summary>
    /// The action-sampling generator of global env copy <paramref name="globalEnvIndex"/> of a run seeded
    /// <paramref name="seed"/>: the pair is hashed into one 64-bit seed (with a constant that keeps the
    /// stream apart from the run's main generator, <c>new SerializableRandom(seed)</c>, which initialises
    /// the networks and shuffles minibatches).
    /// </summary>
    public static SerializableRandom CreateActionStream(int seed, int globalEnvIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalEnvIndex);
        const ulong ActionStreamDomain = 0x6a09e667f3bcc909UL;
        ulong key = ((ulong)(uint)seed << 32) | (uint)globalEnvIndex;
        return new SerializableRandom(unchecked((long)(key ^ ActionStreamDomain)));
    }

    /// <summary>Fills the buffer with Steps steps of every copy under the current policy.</summary>
    /// <param name="timestepsBefore">Env steps of the run before this rollout (for error messages).</param>
    /// <param name="onEpisode">
    /// Called for each episode that ends, in step order and, within a step, in copy order, with the copy's
    /// global index (the delegate should be cached by the caller: this loop allocates nothing per step).
    /// </param>
    public void Collect(long timestepsBefore, Action<EpisodeStatistics>? onEpisode)
    {
        IVectorEnv env = _env;
        ActorCriticPolicy policy = _policy;
        RolloutBuffer buffer = _buffer;
        int n = env.NumEnvs;
        int observationSize = buffer.ObservationSize;
        int actionSize = policy.ActionSize;
        int parameterSize = policy.Distribution.ParameterSize;
        if (NeedsReset)
        {
            env.Reset(_observations, Seed + FirstEnvIndex);
            NeedsReset = false;
        }

        for (int t = 0; t < buffer.Steps; t++)
        {
            CurrentStep = t;
            int row = t * n;
            if (_maskEnv is not null)
            {
                ReadActionMasks(timestepsBefore + ((long)t * n));
                _actionMasks.CopyTo(buffer.ActionMasks.AsSpan(row * buffer.ActionMaskSize, _actionMasks.Length));
            }

            // a_t^i ~ π(·|s_t^i) with copy i's own generator, so the draw does not depend on the batch it is in.
            // ln π row by row too: the batched log-softmax is vectorised over the whole batch, so a row's
            // rounding would depend on where it falls in the batch.
            ReadOnlySpan<float> parameters = policy.ForwardDistribution(_observations, n, _actionMasks);
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> rowParameters = parameters.Slice(i * parameterSize, parameterSize);
                Span<float> rowAction = _actions.AsSpan(i * actionSize, actionSize);
                policy.Distribution.Sample(rowParameters, rowAction, 1, _streams[i]);
                policy.Distribution.LogProb(rowParameters, rowAction, _logProbs.AsSpan(i, 1), 1);
            }

            parameters.CopyTo(buffer.OldDistributionParameters.AsSpan(row * parameterSize, n * parameterSize));
            policy.ForwardValues(_observations, _values, n);
            _observations.CopyTo(buffer.Observations.AsSpan(row * observationSize, n * observationSize));
            _actions.CopyTo(buffer.Actions.AsSpan(row * actionSize, n * actionSize));
            _values.CopyTo(buffer.Values.AsSpan(row, n));
            _logProbs.CopyTo(buffer.LogProbs.AsSpan(row, n));

            policy.ToEnvActions(_actions, _envActions, n);
            env.Step(_envActions, _nextObservations, _rewards, _terminated, _truncated);

            ReadOnlySpan<float> finalObservations = env.FinalObservations;
            for (int i = 0; i < n; i++)
            {
                int index = row + i;
                buffer.Rewards[index] = (float)_rewards[i];
                buffer.Terminated[index] = _terminated[i] ? 1f : 0f;
                buffer.Truncated[index] = _truncated[i] ? 1f : 0f;

                // Bootstrap the time-limit cut: V(final observation), not 0 — the state was not terminal.
                buffer.NextValues[index] = 0f;
                if (_truncated[i] && !_terminated[i])
                {
                    policy.ForwardValues(finalObservations.Slice(i * observationSize, observationSize), _finalValue, 1);
                    buffer.NextValues[index] = _finalValue[0];
                }
            }

            if (onEpisode is not null)
            {
                // Indexed: enumerating the IReadOnlyList interface would allocate an enumerator every step.
                IReadOnlyList<EpisodeStatistics> completed = env.CompletedEpisodes;
                for (int e = 0; e < completed.Count; e++)
                {
                    EpisodeStatistics episode = completed[e];
                    onEpisode(episode with { EnvIndex = FirstEnvIndex + episode.EnvIndex });
                }
            }

            _nextObservations.CopyTo(_observations, 0);
        }

        // V(s_{t+1}) of a step that did not end an episode is the value stored for step t + 1,
        // or for the last step, V of the observation the next rollout starts from.
        policy.ForwardValues(_observations, _values, n);
        for (int t = 0; t < buffer.Steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                int index = (t * n) + i;
                if (buffer.Terminated[index] == 0f && buffer.Truncated[index] == 0f)
                {
                    buffer.NextValues[index] = t + 1 < buffer.Steps ? buffer.Values[index + n] : _values[i];
                }
            }
        }
    }

    /// <summary>Reads every copy's current action mask and rejects one that allows nothing, naming the copy and the step.</summary>
    private void ReadActionMasks(long timesteps)
    {
        _maskEnv!.GetActionMasks(_actionMasks);
        int size = _policy.ActionMaskSize;
        int n = _env.NumEnvs;
        for (int i = 0; i < n; i++)
        {
            try
            {
                ActionMasking.Check(_actionMasks.AsSpan(i * size, size), 1, _policy.ActionMaskComponents);
            }
            catch (ArgumentException error)
            {
                throw new InvalidOperationException(
                    $"Env copy {FirstEnvIndex + i} supplied an invalid action mask for the observation it returned after {timesteps} env steps in all (step {timesteps / n} of that copy): {error.Message}",
                    error);
            }
        }
    }
}
