using SharpRL.Algorithms.AdvantageWeighted;
using SharpRL.Algorithms.Impala;
using SharpRL.Algorithms.OffPolicy;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Algorithms.TrustRegion;

namespace SharpRL.Algorithms;

/// <summary>
/// Every algorithm the run layer and the CLI can train, by name: the built-in ones below, plus any a
/// program adds with <see cref="Register"/>. See docs/run-layer.md for how an algorithm plugs in.
/// </summary>
public static class AlgorithmRegistry
{
    private static readonly Lock Gate = new();

    // One line per algorithm. Off-policy and learning-from-data algorithms add their descriptor here too.
    private static readonly List<AlgorithmDescriptor> Entries =
    [
        OnPolicyDescriptor.Create("ppo", "Proximal Policy Optimization with the clipped surrogate (Schulman et al. 2017)", new PpoOptions(), (env, options, seed, logger) => new Ppo(env, options, seed, logger)),
        OnPolicyDescriptor.Create("ppo-kl", "PPO with the adaptive KL penalty instead of the clip (Schulman et al. 2017, section 4)", new PpoKlOptions(), (env, options, seed, logger) => new PpoKl(env, options, seed, logger)),

        // "PPO based on REINFORCE with a baseline" (Poupart, "Trust Regions, Proximal Policies"): the same PPO with λ = 1, so Â = G − V(s).
        OnPolicyDescriptor.Create("ppo-mc", "PPO with Monte-Carlo advantages (λ = 1): PPO on REINFORCE with a baseline", new PpoOptions { GaeLambda = 1.0 }, (env, options, seed, logger) => new Ppo(env, options, seed, logger)),
        OnPolicyDescriptor.Create("reinforce", "REINFORCE with a learned baseline (Williams 1992)", new ReinforceOptions(), (env, options, seed, logger) => new Reinforce(env, options, seed, logger)),
        OnPolicyDescriptor.Create("a2c", "Advantage actor-critic, synchronous (Mnih et al. 2016)", new A2cOptions(), (env, options, seed, logger) => new A2c(env, options, seed, logger)),
        OnPolicyDescriptor.Create("npg", "Natural policy gradient (Kakade 2001) with a fixed KL step", new NpgOptions(), (env, options, seed, logger) => new Npg(env, options, seed, logger)),
        OnPolicyDescriptor.Create("trpo", "Trust region policy optimization (Schulman et al. 2015)", new TrpoOptions(), (env, options, seed, logger) => new Trpo(env, options, seed, logger)),
        Ddpg.Descriptor,
        Td3.Descriptor,
        Sac.Descriptor,
        Imitation.BehaviorCloningLearner.Descriptor,
        Awr.Descriptor,
        ImpalaLearner.Descriptor,
    ];

    /// <summary>Known algorithm names, in registration order.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
            {
                return [.. Entries.Select(e => e.Name)];
            }
        }
    }

    /// <summary>Every registered descriptor, in registration order.</summary>
    public static IReadOnlyList<AlgorithmDescriptor> All
    {
        get
        {
            lock (Gate)
            {
                return [.. Entries];
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is a known algorithm (case-insensitive).</summary>
    public static bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name) is not null;
    }

    /// <summary>The descriptor of <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static AlgorithmDescriptor Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name) ?? throw new ArgumentException($"Unknown algorithm '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>Adds an algorithm (e.g. one a program defines) so that runs, checkpoints and evaluation know it.</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    public static void Register(AlgorithmDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        lock (Gate)
        {
            if (Entries.Any(e => e.Name.Equals(descriptor.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"An algorithm named '{descriptor.Name}' is already registered.", nameof(descriptor));
            }

            Entries.Add(descriptor);
        }
    }

    /// <summary>The default options of an on-policy algorithm (a shortcut; any family: <see cref="Get"/>(name).<see cref="AlgorithmDescriptor.DefaultOptions"/>).</summary>
    public static OnPolicyOptions DefaultOptions(string name) =>
        Get(name).DefaultOptions as OnPolicyOptions
        ?? throw new ArgumentException($"'{name}' is not an on-policy algorithm; use AlgorithmRegistry.Get(\"{name}\").DefaultOptions.", nameof(name));

    /// <summary>Creates an on-policy algorithm on a vector env the caller owns (a shortcut for programs and tests; the run layer uses <see cref="AlgorithmDescriptor.Create"/>).</summary>
    public static OnPolicyAlgorithm Create(string name, IVectorEnv env, OnPolicyOptions options, int seed, MetricsLogger? logger = null)
    {
        AlgorithmDescriptor descriptor = Get(name);
        return descriptor is IOnPolicyDescriptor onPolicy
            ? onPolicy.CreateOnVectorEnv(env, options, seed, logger)
            : throw new ArgumentException($"'{name}' is not an on-policy algorithm; build it through AlgorithmRegistry.Get(\"{name}\").Create.", nameof(name));
    }

    private static AlgorithmDescriptor? TryGet(string name)
    {
        lock (Gate)
        {
            return Entries.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
    }
}
