namespace SharpRL.Environments.Toy;

/// <summary>Where a <see cref="ChainMdp"/> episode starts (the start distribution μ).</summary>
public enum ChainStart
{
    /// <summary>μ(s₀ = 0) = 1: every episode starts at the beginning of the chain.</summary>
    Fixed,

    /// <summary>μ uniform over the chain's states.</summary>
    Uniform,

    /// <summary>μ given by explicit weights (see the constructor that takes them).</summary>
    Custom,
}

/// <summary>
/// The lecture's combination lock (Janson, "PPO &amp; Importance Sampling", "lack of exploration"): states 0 … |S|−1 in a chain.
/// In each state exactly one of 3 actions (the state's digit of a fixed combination) moves one
/// state forward; any other action sends the agent back to state 0. The right action in the last
/// state opens the lock: reward 1 and the episode terminates. Every other step gives reward 0,
/// and the episode is truncated after <see cref="Horizon"/> steps.
/// From s₀ = 0 a uniformly random policy opens the lock within |S| steps with probability 3^−|S|,
/// so sample-based methods need ~3^|S| episodes; with s₀ drawn uniformly (μ covering the chain)
/// the reward is found at once. Observation: the one-hot of the state in Box [0, 1]^|S|
/// (all zeros once the lock is open); action: Discrete(3).
/// </summary>
public sealed class ChainMdp : IEnv, IStatefulEnv
{
    private readonly int[] _combination;
    private readonly double[] _startWeights;
    private NumpyGenerator? _random;
    private int _state = -1;
    private int _steps;
    private bool _needsReset = true;

    /// <summary>Creates a chain with start distribution <paramref name="start"/> (Fixed or Uniform).</summary>
    /// <param name="numStates">|S|, at least 1.</param>
    /// <param name="horizon">H: steps after which the episode is truncated, at least 1.</param>
    /// <param name="start">Fixed (s₀ = 0) or Uniform; for custom weights use the other constructor.</param>
    /// <param name="combination">The correct action (0, 1 or 2) in each state; null to draw it from <paramref name="combinationSeed"/>.</param>
    /// <param name="combinationSeed">Seed of the drawn combination (ignored when <paramref name="combination"/> is given).</param>
    public ChainMdp(int numStates, int horizon, ChainStart start = ChainStart.Fixed, IReadOnlyList<int>? combination = null, int combinationSeed = 0)
        : this(numStates, horizon, StartWeightsFor(numStates, start), start, combination, combinationSeed)
    {
    }

    /// <summary>Creates a chain whose start state is drawn with probability proportional to <paramref name="startWeights"/>.</summary>
    /// <param name="numStates">|S|, at least 1.</param>
    /// <param name="horizon">H: steps after which the episode is truncated, at least 1.</param>
    /// <param name="startWeights">One non-negative weight per state, not all zero (normalised to μ).</param>
    /// <param name="combination">The correct action (0, 1 or 2) in each state; null to draw it from <paramref name="combinationSeed"/>.</param>
    /// <param name="combinationSeed">Seed of the drawn combination (ignored when <paramref name="combination"/> is given).</param>
    public ChainMdp(int numStates, int horizon, IReadOnlyList<double> startWeights, IReadOnlyList<int>? combination = null, int combinationSeed = 0)
        : this(numStates, horizon, NormalizeWeights(numStates, startWeights), ChainStart.Custom, combination, combinationSeed)
    {
    }

    private ChainMdp(int numStates, int horizon, double[] startWeights, ChainStart start, IReadOnlyList<int>? combination, int combinationSeed)
    {
        if (horizon < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1 step.");
        }

        NumStates = numStates;
        Horizon = horizon;
        Start = start;
        _startWeights = startWeights;
        _combination = combination is null ? DrawCombination(numStates, combinationSeed) : CheckCombination(numStates, combination);
        ObservationSpace = new Box(0f, 1f, numStates);
    }

    /// <summary>Number of chain states |S|.</summary>
    public int NumStates { get; }

    /// <summary>Steps after which an episode is truncated (H).</summary>
    public int Horizon { get; }

    /// <summary>Which start distribution μ the chain uses.</summary>
    public ChainStart Start { get; }

    /// <summary>μ: the probability of starting in each state.</summary>
    public IReadOnlyList<double> StartDistribution => _startWeights;

    /// <summary>The correct action in each state.</summary>
    public IReadOnlyList<int> Combination => _combination;

    /// <summary>Current state (−1 before the first Reset, <see cref="NumStates"/> once the lock is open).</summary>
    public int State => _state;

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; } = new Discrete(3);

    /// <inheritdoc />
    public EnvSpec? Spec => null;

    /// <inheritdoc />
    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        CheckObservation(observation);
        if (seed is not null || _random is null)
        {
            _random = NumpyGenerator.Create(seed);
        }

        _state = Start switch
        {
            ChainStart.Fixed => 0,
            ChainStart.Uniform => (int)_random.Integers(NumStates),
            _ => DrawWeighted(_random.NextDouble()),
        };
        _steps = 0;
        _needsReset = false;
        WriteObservation(observation);
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ToyStepChecks.Check(_needsReset, "The episode has ended", action, ActionSpace, "one of 0, 1, 2 (Discrete(3))");

        CheckObservation(observation);
        _steps++;
        double reward = 0;
        bool terminated = false;
        if ((int)action[0] == _combination[_state])
        {
            _state++;
            if (_state == NumStates)
            {
                reward = 1;
                terminated = true;
            }
        }
        else
        {
            _state = 0;
        }

        bool truncated = !terminated && _steps >= Horizon;
        _needsReset = terminated || truncated;
        WriteObservation(observation);
        return new StepResult(reward, terminated, truncated);
    }

    /// <summary>
    /// Exact probability that a uniformly random policy opens the lock within <see cref="Horizon"/>
    /// steps from s₀ ~ μ, by dynamic programming over (state, steps left):
    /// p_h(s) = ⅓·p_{h−1}(s+1) + ⅔·p_{h−1}(0), with p_h(|S|) = 1 and p_0(s) = 0.
    /// For s₀ = 0 and H = |S| this is 3^−|S|.
    /// </summary>
    public double RandomPolicySuccessProbability()
    {
        var previous = new double[NumStates + 1];
        var current = new double[NumStates + 1];
        previous[NumStates] = 1;
        current[NumStates] = 1;
        for (int h = 1; h <= Horizon; h++)
        {
            for (int s = 0; s < NumStates; s++)
            {
                current[s] = (previous[s + 1] / 3) + (2 * previous[0] / 3);
            }

            (previous, current) = (current, previous);
        }

        double success = 0;
        for (int s = 0; s < NumStates; s++)
        {
            success += _startWeights[s] * previous[s];
        }

        return success;
    }

    /// <summary>Snapshot: the generator, state, step count and needs-reset flag, with the chain's settings (checked on load).</summary>
    public JsonNode SaveState()
    {
        JsonObject state = EnvState.Create(this);
        state["num_states"] = NumStates;
        state["horizon"] = Horizon;
        var combination = new JsonArray();
        foreach (int action in _combination)
        {
            combination.Add(action);
        }

        state["combination"] = combination;
        state["start_weights"] = EnvState.Numbers(_startWeights);
        state["np_random"] = EnvState.Generator(_random);
        state["state"] = _state;
        state["steps"] = _steps;
        state["needs_reset"] = _needsReset;
        return state;
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        JsonObject snapshot = EnvState.Open(state, this);
        EnvState.RequireSetting(snapshot, "num_states", NumStates);
        EnvState.RequireSetting(snapshot, "horizon", Horizon);
        if (!EnvState.ReadInt32s(snapshot, "combination", NumStates, 0, 2).AsSpan().SequenceEqual(_combination)
            || !EnvState.ReadDoubles(snapshot, "start_weights", NumStates).AsSpan().SequenceEqual(_startWeights))
        {
            throw new ArgumentException("The state of a ChainMdp was saved from a chain with another combination or start distribution; it would not continue the same way.", nameof(state));
        }

        NumpyGenerator? random = EnvState.ReadGenerator(snapshot, "np_random");
        int chainState = EnvState.ReadInt32(snapshot, "state", -1, NumStates);
        int steps = EnvState.ReadInt32(snapshot, "steps", 0, Horizon);
        bool needsReset = EnvState.ReadBoolean(snapshot, "needs_reset");
        _random = random;
        _state = chainState;
        _steps = steps;
        _needsReset = needsReset;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void WriteObservation(Span<float> observation)
    {
        observation.Clear();
        if (_state < NumStates)
        {
            observation[_state] = 1f;
        }
    }

    private void CheckObservation(Span<float> observation)
    {
        if (observation.Length != NumStates)
        {
            throw new ArgumentException($"observation must have {NumStates} floats (one-hot of the state); got {observation.Length}.", nameof(observation));
        }
    }

    // Inverse CDF: the first state whose cumulative weight exceeds u.
    private int DrawWeighted(double u)
    {
        double cumulative = 0;
        for (int s = 0; s < NumStates; s++)
        {
            cumulative += _startWeights[s];
            if (u < cumulative)
            {
                return s;
            }
        }

        // Rounding can leave the total a hair below 1: fall back to the last state with weight.
        for (int s = NumStates - 1; s >= 0; s--)
        {
            if (_startWeights[s] > 0)
            {
                return s;
            }
        }

        return 0;
    }

    private static void CheckNumStates(int numStates)
    {
        if (numStates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numStates), numStates, "numStates must be at least 1.");
        }
    }

    private static double[] StartWeightsFor(int numStates, ChainStart start)
    {
        CheckNumStates(numStates);
        var weights = new double[numStates];
        switch (start)
        {
            case ChainStart.Fixed:
                weights[0] = 1;
                break;
            case ChainStart.Uniform:
                Array.Fill(weights, 1.0 / numStates);
                break;
            default:
                throw new ArgumentException($"start must be Fixed or Uniform here; got {start}. Pass the weights to the other constructor for a custom μ.", nameof(start));
        }

        return weights;
    }

    private static double[] NormalizeWeights(int numStates, IReadOnlyList<double> startWeights)
    {
        CheckNumStates(numStates);
        ArgumentNullException.ThrowIfNull(startWeights);
        if (startWeights.Count != numStates)
        {
            throw new ArgumentException($"startWeights must have one weight per state ({numStates}); got {startWeights.Count}.", nameof(startWeights));
        }

        double total = 0;
        for (int s = 0; s < numStates; s++)
        {
            double w = startWeights[s];
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ArgumentException($"startWeights[{s}] must be finite and non-negative; got {w}.", nameof(startWeights));
            }

            total += w;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("startWeights must not all be zero.", nameof(startWeights));
        }

        var weights = new double[numStates];
        for (int s = 0; s < numStates; s++)
        {
            weights[s] = startWeights[s] / total;
        }

        return weights;
    }

    private static int[] DrawCombination(int numStates, int seed)
    {
        NumpyGenerator random = NumpyGenerator.Create(seed);
        var combination = new int[numStates];
        for (int s = 0; s < numStates; s++)
        {
            combination[s] = (int)random.Integers(3);
        }

        return combination;
    }

    private static int[] CheckCombination(int numStates, IReadOnlyList<int> combination)
    {
        if (combination.Count != numStates)
        {
            throw new ArgumentException($"combination must have one action per state ({numStates}); got {combination.Count}.", nameof(combination));
        }

        var copy = new int[numStates];
        for (int s = 0; s < numStates; s++)
        {
            if (combination[s] is < 0 or > 2)
            {
                throw new ArgumentException($"combination[{s}] must be 0, 1 or 2; got {combination[s]}.", nameof(combination));
            }

            copy[s] = combination[s];
        }

        return copy;
    }
}
