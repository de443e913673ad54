using SharpRL.Envs.Wrappers;

namespace SharpRL.Envs;

/// <summary>
/// Env ids → factories (Gymnasium's registry). <see cref="Make(string, int?)"/> builds the env and, when the spec
/// has a time limit, wraps it in <see cref="TimeLimit"/> as <c>gymnasium.make</c> does.
/// </summary>
/// <remarks>
/// The built-in envs live in SharpRL.Environments, which depends on this assembly, so they cannot
/// register themselves here. <c>SharpRL.Environments.Gym</c> registers them into <see cref="Default"/>
/// the first time it is touched; use <c>Gym.Make("CartPole-v1")</c> (or call <c>Gym.Registry</c> once)
/// to have them. Registries are thread-safe.
/// </remarks>
public sealed class EnvRegistry
{
    private readonly Dictionary<string, (EnvSpec Spec, Func<IReadOnlyDictionary<string, object>?, IEnv> Factory, bool TakesOptions)> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The process-wide registry (Gymnasium's <c>gymnasium.registry</c>).</summary>
    public static EnvRegistry Default { get; } = new();

    /// <summary>Registered ids, sorted.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Registered specs, sorted by id.</summary>
    public IReadOnlyList<EnvSpec> Specs
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Values.Select(e => e.Spec).OrderBy(s => s.Id, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Registers an env.</summary>
    /// <param name="id">Unique id, e.g. "MyEnv-v0".</param>
    /// <param name="factory">Creates a fresh, unwrapped env.</param>
    /// <param name="maxEpisodeSteps">Time limit <see cref="Make(string, int?)"/> applies, or null for none.</param>
    /// <param name="rewardThreshold">Return at which the task counts as solved, or null.</param>
    public void Register(string id, Func<IEnv> factory, int? maxEpisodeSteps = null, double? rewardThreshold = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Add(id, _ => factory(), takesOptions: false, maxEpisodeSteps, rewardThreshold);
    }

    /// <summary>
    /// Registers an env whose factory takes constructor options (Gymnasium's <c>gymnasium.make(id, **kwargs)</c>):
    /// <see cref="Make(string, IReadOnlyDictionary{string, object}?, int?)"/> passes them through (null when none are given).
    /// </summary>
    /// <param name="id">Unique id, e.g. "MyEnv-v0".</param>
    /// <param name="factory">Creates a fresh, unwrapped env from the options; it refuses options it does not know.</param>
    /// <param name="maxEpisodeSteps">Time limit <see cref="Make(string, int?)"/> applies, or null for none.</param>
    /// <param name="rewardThreshold">Return at which the task counts as solved, or null.</param>
    public void Register(string id, Func<IReadOnlyDictionary<string, object>?, IEnv> factory, int? maxEpisodeSteps = null, double? rewardThreshold = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Add(id, factory, takesOptions: true, maxEpisodeSteps, rewardThreshold);
    }

    private void Add(string id, Func<IReadOnlyDictionary<string, object>?, IEnv> factory, bool takesOptions, int? maxEpisodeSteps, double? rewardThreshold)
    {
        ValidateId(id);
        if (maxEpisodeSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "The time limit must be positive, or null for none.");
        }

        lock (_lock)
        {
            if (!_entries.TryAdd(id, (new EnvSpec(id, maxEpisodeSteps, rewardThreshold), factory, takesOptions)))
            {
                throw new ArgumentException($"An env with id '{id}' is already registered.", nameof(id));
            }
        }
    }

    /// <summary>Whether <paramref name="id"/> is registered.</summary>
    /// <param name="id">Env id.</param>
    public bool Contains(string id)
    {
        lock (_lock)
        {
            return _entries.ContainsKey(id);
        }
    }

    /// <summary>The spec registered under <paramref name="id"/>.</summary>
    /// <param name="id">Env id.</param>
    public EnvSpec GetSpec(string id) => Find(id).Spec;

    /// <summary>
    /// Creates the env registered under <paramref name="id"/>, wrapped in <see cref="TimeLimit"/> when
    /// the spec (or <paramref name="maxEpisodeSteps"/>) sets a limit.
    /// </summary>
    /// <param name="id">Env id.</param>
    /// <param name="maxEpisodeSteps">Overrides the registered time limit (as <c>gymnasium.make(id, max_episode_steps=…)</c>).</param>
    public IEnv Make(string id, int? maxEpisodeSteps = null) => Make(id, null, maxEpisodeSteps);

    /// <summary>
    /// Creates the env registered under <paramref name="id"/> with constructor <paramref name="options"/>
    /// (Gymnasium's <c>gymnasium.make(id, **kwargs)</c>), wrapped in its time limit as <see cref="Make(string, int?)"/> does.
    /// </summary>
    /// <param name="id">Env id.</param>
    /// <param name="options">Constructor options (values: numbers, booleans, strings or their command-line text), or null.</param>
    /// <param name="maxEpisodeSteps">Overrides the registered time limit.</param>
    public IEnv Make(string id, IReadOnlyDictionary<string, object>? options, int? maxEpisodeSteps = null)
    {
        (EnvSpec spec, Func<IReadOnlyDictionary<string, object>?, IEnv> factory, bool takesOptions) = Find(id);
        (_, IReadOnlyDictionary<string, object>? idOptions) = SplitId(id);
        if (idOptions is not null)
        {
            // Options written into the id ("Hopper-v5[ctrl_cost_weight=0.1]") travel with it into run folders
            // and checkpoints; explicit options override them.
            var merged = new Dictionary<string, object>(idOptions, StringComparer.Ordinal);
            foreach ((string key, object value) in options ?? new Dictionary<string, object>())
            {
                merged[key] = value;
            }

            options = merged;
        }

        if (options is { Count: > 0 } && !takesOptions)
        {
            throw new ArgumentException($"'{id}' takes no constructor options, got {string.Join(", ", options.Keys)}.", nameof(options));
        }

        if (maxEpisodeSteps is { } overrideSteps)
        {
            if (overrideSteps <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), overrideSteps, "The time limit must be positive.");
            }

            spec = spec with { MaxEpisodeSteps = overrideSteps };
        }

        IEnv env = factory(options is { Count: > 0 } ? options : null) ?? throw new InvalidOperationException($"The factory registered for '{id}' returned null.");
        return spec.MaxEpisodeSteps is { } limit ? new TimeLimit(env, limit, spec) : new SpecAttached(env, spec);
    }

    /// <summary>
    /// Splits an id with constructor options written into it, <c>"Hopper-v5[frame_skip=2,healthy_z_range=(0.5,inf)]"</c>,
    /// into the registered id and the options (text values; a comma starts a new option only before <c>name=</c>).
    /// An id without brackets has no options (null).
    /// </summary>
    /// <param name="id">An env id, possibly with options.</param>
    public static (string Id, IReadOnlyDictionary<string, object>? Options) SplitId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        int open = id.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return (id, null);
        }

        if (!id.EndsWith(']') || open == 0)
        {
            throw new ArgumentException($"Env id '{id}' has a malformed option list: expected Name-vN[key=value,key=value].", nameof(id));
        }

        var options = new Dictionary<string, object>(StringComparer.Ordinal);
        string body = id[(open + 1)..^1];
        foreach (string part in System.Text.RegularExpressions.Regex.Split(body, ",(?=[A-Za-z_][A-Za-z0-9_]*=)"))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"Env id '{id}': option '{part}' is not key=value.", nameof(id));
            }

            options[part[..equals]] = part[(equals + 1)..];
        }

        return (id[..open], options);
    }

    private static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Env id must be non-empty and contain no whitespace, got '{id}'.", nameof(id));
        }
    }

    // Levenshtein distance, case-insensitive: how many edits turn a into b.
    private static int EditDistance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private (EnvSpec Spec, Func<IReadOnlyDictionary<string, object>?, IEnv> Factory, bool TakesOptions) Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        (string baseId, IReadOnlyDictionary<string, object>? idOptions) = SplitId(id);
        if (idOptions is not null)
        {
            var found = Find(baseId);
            return (found.Spec with { Id = id }, found.Factory, found.TakesOptions);
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(id, out var entry))
            {
                return entry;
            }
        }

        IReadOnlyList<string> known = Ids;
        string? closest = known.MinBy(k => EditDistance(id, k));
        string suggestion = closest is not null && EditDistance(id, closest) <= Math.Max(2, id.Length / 3)
            ? $" Did you mean '{closest}'?"
            : string.Empty;
        string listing = known.Count == 0
            ? " No envs are registered (the built-in envs are registered by SharpRL.Environments: use Gym.Make or touch Gym.Registry first)."
            : $" Registered ids: {string.Join(", ", known)}.";
        throw new ArgumentException($"No env registered with id '{id}'.{suggestion}{listing}", nameof(id));
    }

    // Reports the registration facts of an env made without a time limit.
    private sealed class SpecAttached(IEnv env, EnvSpec spec) : Wrapper(env)
    {
        public override EnvSpec? Spec => spec;
    }
}
