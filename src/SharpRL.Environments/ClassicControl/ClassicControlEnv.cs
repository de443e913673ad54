using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Shared plumbing of the classic-control envs: Gymnasium's seeding (<c>reset(seed)</c> re-creates
/// <see cref="NpRandom"/> as <c>np.random.default_rng(seed)</c>; unseeded resets continue its stream),
/// and strict episode bookkeeping: stepping before the first reset or after the episode terminated
/// throws instead of Gymnasium's warning. Time limits are not the env's business: the registry wraps
/// it in <see cref="SharpRL.Envs.Wrappers.TimeLimit"/>, as <c>gymnasium.make</c> does.
/// Snapshots (<see cref="IStatefulEnv"/>) hold the generator, the episode flags, the env's
/// constructor settings (checked on load) and its float64 physics state.
/// </summary>
public abstract class ClassicControlEnv : IEnv, IStatefulEnv
{
    private readonly int _observationSize;
    private readonly EpisodeLifecycle _lifecycle = new();

    /// <summary>Initialises the bookkeeping.</summary>
    /// <param name="observationSpace">The env's observation space (Gymnasium's, float32).</param>
    /// <param name="actionSpace">The env's action space.</param>
    protected ClassicControlEnv(Space observationSpace, Space actionSpace)
    {
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observationSize = observationSpace.FlatSize;
    }

    /// <summary>The observation space, Gymnasium's (its repr is given beside each env's definition).</summary>
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; }

    /// <summary>Always null: registration facts are attached by the registry's wrappers.</summary>
    public EnvSpec? Spec => null;

    /// <summary>
    /// The env's generator (Gymnasium's <c>env.np_random</c>); seeded from OS entropy on first use if
    /// no seed was ever given.
    /// </summary>
    public NumpyGenerator NpRandom => _lifecycle.NpRandom;

    /// <summary>Whether the episode is over (or never started): <see cref="Step"/> would throw.</summary>
    public bool NeedsReset => _lifecycle.NeedsReset;

    /// <inheritdoc />
    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        CheckObservationLength(observation);
        _lifecycle.Seed(seed);
        ResetState(NpRandom, options);
        WriteObservation(observation);
        _lifecycle.MarkStarted();
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        CheckCanStep(observation);
        StepResult result = StepState(action);
        WriteObservation(observation);
        if (result.Terminated)
        {
            _lifecycle.MarkTerminated();
        }

        return result;
    }

    /// <inheritdoc />
    public JsonNode SaveState()
    {
        JsonObject state = EnvState.Create(this);
        _lifecycle.Save(state);
        SavePhysicsState(state);
        return state;
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        JsonObject snapshot = EnvState.Open(state, this);
        EpisodeLifecycle.Snapshot lifecycle = _lifecycle.Read(snapshot);
        LoadPhysicsState(snapshot);
        _lifecycle.Restore(lifecycle);
    }

    /// <summary>Nothing to release; present for <see cref="IDisposable"/>.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>e.g. "CartPoleEnv".</summary>
    public override string ToString() => GetType().Name;

    /// <summary>Releases resources of derived envs.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Draws the initial state (Gymnasium's <c>reset</c> body after <c>super().reset(seed)</c>).</summary>
    /// <param name="random">The env's generator.</param>
    /// <param name="options">Gymnasium's reset options (e.g. "low"/"high"), or null.</param>
    protected abstract void ResetState(NumpyGenerator random, IReadOnlyDictionary<string, object>? options);

    /// <summary>
    /// Gymnasium's <c>step</c> body: reads the action, advances the state and returns the reward and whether the
    /// episode terminated; <see cref="Step"/> checks the call beforehand, then writes the observation and records
    /// the termination.
    /// </summary>
    /// <param name="action">The caller's action.</param>
    protected abstract StepResult StepState(ReadOnlySpan<float> action);

    /// <summary>Writes the observation of the current state.</summary>
    /// <param name="observation">Destination of FlatSize floats.</param>
    protected abstract void WriteObservation(Span<float> observation);

    /// <summary>Adds the env's constructor settings and physics state to a snapshot (<see cref="SaveState"/>).</summary>
    /// <param name="state">The snapshot being written.</param>
    protected abstract void SavePhysicsState(JsonObject state);

    /// <summary>
    /// Checks the settings saved by <see cref="SavePhysicsState"/> against this env's (throwing via
    /// <see cref="EnvState.RequireSetting(JsonObject, string, double)"/> when they differ), reads every
    /// value, and only then overwrites the physics state.
    /// </summary>
    /// <param name="state">The snapshot, already checked to be of this env's type.</param>
    protected abstract void LoadPhysicsState(JsonObject state);

    /// <summary>Marks the state as set from outside (e.g. <c>SetState</c>), so stepping is allowed.</summary>
    protected void MarkStateSet() => _lifecycle.MarkStarted();

    /// <summary>Throws unless a step is allowed now and <paramref name="observation"/> has the right length.</summary>
    /// <param name="observation">The caller's observation buffer.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckCanStep(Span<float> observation)
    {
        if (_lifecycle.NeedsReset || observation.Length != _observationSize)
        {
            ThrowCannotStep(observation.Length);
        }
    }

    /// <summary>Reads a Discrete(n) action (one float holding an integer in [0, n)), or throws.</summary>
    /// <param name="action">The action span.</param>
    /// <param name="n">Number of actions.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static int ReadDiscreteAction(ReadOnlySpan<float> action, int n)
    {
        if (action.Length != 1)
        {
            ThrowActionLength(action.Length, 1);
        }

        float value = action[0];
        int index = (int)value;
        if (index != value || (uint)index >= (uint)n)
        {
            ThrowDiscreteAction(value, n);
        }

        return index;
    }

    /// <summary>Reads a one-dimensional Box action within [low, high], or throws (NaN is rejected).</summary>
    /// <param name="action">The action span.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static float ReadBoxAction(ReadOnlySpan<float> action, float low, float high)
    {
        if (action.Length != 1)
        {
            ThrowActionLength(action.Length, 1);
        }

        float value = action[0];
        if (!(value >= low && value <= high))
        {
            ThrowBoxAction(value, low, high);
        }

        return value;
    }

    /// <summary>
    /// Gymnasium's <c>utils.maybe_parse_reset_bounds</c>: reads numeric option <paramref name="lowKey"/>
    /// and <paramref name="highKey"/> with defaults, and requires low ≤ high.
    /// </summary>
    /// <param name="options">Reset options or null.</param>
    /// <param name="defaultLow">Default lower bound.</param>
    /// <param name="defaultHigh">Default upper bound.</param>
    /// <param name="lowKey">Option name of the lower bound.</param>
    /// <param name="highKey">Option name of the upper bound.</param>
    protected static (double Low, double High) ParseResetBounds(
        IReadOnlyDictionary<string, object>? options, double defaultLow, double defaultHigh, string lowKey = "low", string highKey = "high")
    {
        double low = ReadNumberOption(options, lowKey, defaultLow);
        double high = ReadNumberOption(options, highKey, defaultHigh);
        if (low > high)
        {
            throw new ArgumentException($"Reset option '{lowKey}' ({low}) must not exceed '{highKey}' ({high}).", nameof(options));
        }

        return (low, high);
    }

    /// <summary>Reads a numeric reset option, or returns <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="options">Reset options or null.</param>
    /// <param name="key">Option name.</param>
    /// <param name="defaultValue">Value when the option is absent.</param>
    protected static double ReadNumberOption(IReadOnlyDictionary<string, object>? options, string key, double defaultValue)
    {
        if (options is null || !options.TryGetValue(key, out object? value))
        {
            return defaultValue;
        }

        return value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            decimal m => (double)m,
            _ => throw new ArgumentException($"Reset option '{key}' must be a number, got {value ?? "null"} ({value?.GetType().Name ?? "null"}).", nameof(options)),
        };
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowActionLength(int length, int expected)
        => throw new ArgumentException($"Expected an action of {expected} float(s), got {length}.", "action");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDiscreteAction(float value, int n)
        => throw new ArgumentOutOfRangeException("action", value, $"Action must be an integer in [0, {n - 1}] (Discrete({n})), got {value.ToString(CultureInfo.InvariantCulture)}.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBoxAction(float value, float low, float high)
        => throw new ArgumentOutOfRangeException(
            "action",
            value,
            $"Action must lie in [{low.ToString(CultureInfo.InvariantCulture)}, {high.ToString(CultureInfo.InvariantCulture)}], got {value.ToString(CultureInfo.InvariantCulture)} (clip actions before stepping, e.g. with a ClipAction wrapper).");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowCannotStep(int observationLength)
    {
        _lifecycle.ThrowIfCannotStep($"{this}");
        throw new ArgumentException($"Expected an observation buffer of {_observationSize} floats, got {observationLength}.", "observation");
    }

    private void CheckObservationLength(Span<float> observation)
    {
        if (observation.Length != _observationSize)
        {
            throw new ArgumentException($"Expected an observation buffer of {_observationSize} floats, got {observation.Length}.", nameof(observation));
        }
    }
}
