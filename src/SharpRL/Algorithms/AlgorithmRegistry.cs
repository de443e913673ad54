using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Logging;

namespace SharpRL.Algorithms;

/// <summary>The on-policy algorithms by CLI name, with their option types.</summary>
public static class AlgorithmRegistry
{
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ppo"] = new(new Ppo.PpoOptions(), (env, options, seed, logger) => new Ppo.Ppo(env, (Ppo.PpoOptions)options, seed, logger)),
    };

    /// <summary>Known algorithm names.</summary>
    public static IReadOnlyList<string> Names => [.. Entries.Keys];

    /// <summary>The algorithm's default options (the type --set keys are checked against).</summary>
    public static OnPolicyOptions DefaultOptions(string name) => Find(name).Defaults;

    /// <summary>Creates the named algorithm.</summary>
    public static OnPolicyAlgorithm Create(string name, IVectorEnv env, OnPolicyOptions options, int seed, MetricsLogger? logger = null)
    {
        Entry entry = Find(name);
        if (options.GetType() != entry.Defaults.GetType())
        {
            throw new ArgumentException($"Options of type {options.GetType().Name} do not fit algorithm '{name}'; expected {entry.Defaults.GetType().Name}.", nameof(options));
        }

        return entry.Create(env, options, seed, logger);
    }

    /// <summary>Whether <paramref name="name"/> is a known algorithm.</summary>
    public static bool Contains(string name) => Entries.ContainsKey(name);

    private static Entry Find(string name) =>
        Entries.TryGetValue(name, out Entry? entry)
            ? entry
            : throw new ArgumentException($"Unknown algorithm '{name}'; expected one of: {string.Join(", ", Entries.Keys)}.", nameof(name));

    private sealed record Entry(OnPolicyOptions Defaults, Func<IVectorEnv, OnPolicyOptions, int, MetricsLogger?, OnPolicyAlgorithm> Create);
}
