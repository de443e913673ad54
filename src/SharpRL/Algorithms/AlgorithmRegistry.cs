using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Algorithms.TrustRegion;
using SharpRL.Envs;
using SharpRL.Logging;

namespace SharpRL.Algorithms;

/// <summary>The on-policy algorithms by CLI name, with their option types.</summary>
public static class AlgorithmRegistry
{
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ppo"] = new(new PpoOptions(), (env, options, seed, logger) => new Ppo(env, (PpoOptions)options, seed, logger)),
        ["ppo-kl"] = new(new PpoKlOptions(), (env, options, seed, logger) => new PpoKl(env, (PpoKlOptions)options, seed, logger)),

        // "PPO based on REINFORCE with a baseline" (Poupart, "Trust Regions, Proximal Policies"): the same PPO with λ = 1, so Â = G − V(s).
        ["ppo-mc"] = new(new PpoOptions { GaeLambda = 1.0 }, (env, options, seed, logger) => new Ppo(env, (PpoOptions)options, seed, logger)),
        ["reinforce"] = new(new ReinforceOptions(), (env, options, seed, logger) => new Reinforce(env, (ReinforceOptions)options, seed, logger)),
        ["a2c"] = new(new A2cOptions(), (env, options, seed, logger) => new A2c(env, (A2cOptions)options, seed, logger)),
        ["npg"] = new(new NpgOptions(), (env, options, seed, logger) => new Npg(env, (NpgOptions)options, seed, logger)),
        ["trpo"] = new(new TrpoOptions(), (env, options, seed, logger) => new Trpo(env, (TrpoOptions)options, seed, logger)),
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
