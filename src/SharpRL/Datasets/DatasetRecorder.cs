using SharpRL.Algorithms;

namespace SharpRL.Datasets;

/// <summary>Chooses the env action for one observation (both flat spans, the env's layout).</summary>
public delegate void ActionFunction(ReadOnlySpan<float> observation, Span<float> action);

/// <summary>An env's per-step info scalars: fixed keys and a way to read the last Reset/Step's values.</summary>
/// <param name="Keys">Info keys, in the order <paramref name="GetInfo"/> writes them.</param>
/// <param name="GetInfo">Writes the values of the last Reset/Step (NaN = not reported).</param>
public sealed record StepInfoSource(IReadOnlyList<string> Keys, Action<Span<double>> GetInfo);

/// <summary>Records episodes of an agent acting in an env as a <see cref="MinariDataset"/>.</summary>
public static class DatasetRecorder
{
    /// <summary>
    /// The env actions of a trained policy (any algorithm's <see cref="IActingPolicy"/>: it applies its
    /// own observation normalisation): the mode (<paramref name="deterministic"/>) or a sample.
    /// </summary>
    public static ActionFunction FromPolicy(IActingPolicy policy, bool deterministic, Random random)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(random);
        return (observation, action) => policy.Act(observation, action, deterministic, random);
    }

    /// <summary>The env actions of an actor-critic policy acting on raw observations (see <see cref="FromPolicy(IActingPolicy, bool, Random)"/>).</summary>
    public static ActionFunction FromPolicy(ActorCriticPolicy policy, bool deterministic, Random random)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return FromPolicy(new ActorCriticActingPolicy(policy, policy.ObservationSpace, null), deterministic, random);
    }

    /// <summary>The info channel of <paramref name="env"/> (<see cref="IStepInfoEnv"/>), or null when it reports no info keys.</summary>
    public static StepInfoSource? InfoSourceOf(IEnv env) =>
        env is IStepInfoEnv info && info.InfoKeys.Count > 0 ? new StepInfoSource(info.InfoKeys, info.GetInfo) : null;

    /// <summary>
    /// Plays <paramref name="episodes"/> whole episodes in <paramref name="env"/>, resetting episode i
    /// with seed <paramref name="seed"/> + i (stored as the episode's seed, as Minari does), and returns them
    /// as a dataset with <paramref name="env"/>'s spaces and spec.
    /// </summary>
    /// <param name="env">The env (with its time limit, as made by the registry).</param>
    /// <param name="act">The agent.</param>
    /// <param name="episodes">Number of episodes, positive.</param>
    /// <param name="seed">Seed of the first episode's reset.</param>
    /// <param name="datasetId">Minari dataset id.</param>
    /// <param name="algorithmName">Recorded as Minari's algorithm_name, or null.</param>
    /// <param name="infos">The env's info scalars to store under <c>infos/</c>, or null for none.</param>
    /// <param name="maxStepsPerEpisode">Guards against an env without a time limit.</param>
    public static MinariDataset Record(
        IEnv env,
        ActionFunction act,
        int episodes,
        int seed,
        string datasetId,
        string? algorithmName = null,
        StepInfoSource? infos = null,
        int maxStepsPerEpisode = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(act);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        int d = env.ObservationSpace.FlatSize;
        int a = env.ActionSpace.FlatSize;
        var observation = new float[d];
        var action = new float[a];
        double[] info = new double[infos?.Keys.Count ?? 0];
        var recorded = new List<Episode>(episodes);
        for (int i = 0; i < episodes; i++)
        {
            var observations = new List<float>();
            var actions = new List<float>();
            var rewards = new List<double>();
            var terminations = new List<bool>();
            var truncations = new List<bool>();
            var infoValues = infos?.Keys.Select(_ => new List<double>()).ToArray() ?? [];
            env.Reset(observation, seed + i);
            observations.AddRange(observation);
            AddInfo();
            while (true)
            {
                act(observation, action);
                StepResult step = env.Step(action, observation);
                actions.AddRange(action);
                observations.AddRange(observation);
                rewards.Add(step.Reward);
                terminations.Add(step.Terminated);
                truncations.Add(step.Truncated);
                AddInfo();
                if (step.Done)
                {
                    break;
                }

                if (rewards.Count >= maxStepsPerEpisode)
                {
                    throw new InvalidOperationException($"Episode {i} did not end within {maxStepsPerEpisode} steps; record an env with a time limit.");
                }
            }

            Dictionary<string, double[]>? infoArrays = infos is null
                ? null
                : infos.Keys.Select((key, k) => (key, values: infoValues[k].ToArray())).ToDictionary(p => p.key, p => p.values, StringComparer.Ordinal);
            recorded.Add(new Episode(i, [.. observations], [.. actions], [.. rewards], [.. terminations], [.. truncations], seed + (long)i, infoArrays));

            void AddInfo()
            {
                if (infos is null)
                {
                    return;
                }

                infos.GetInfo(info);
                for (int k = 0; k < info.Length; k++)
                {
                    infoValues[k].Add(info[k]);
                }
            }
        }

        return new MinariDataset(datasetId, env.ObservationSpace, env.ActionSpace, env.Spec, recorded, algorithmName);
    }
}
