using System.Globalization;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Envs.Vector;

namespace SharpRL.Cluster;

/// <summary>Running moments of a stream of vectors on the wire: sample count, per-component mean and population variance.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.Moments")]
public sealed class Moments
{
    /// <summary>Samples summarised (for a delta: the samples a worker added in one rollout).</summary>
    [Id(0)]
    public double Count { get; set; }

    /// <summary>Per-component mean.</summary>
    [Id(1)]
    public double[] Mean { get; set; } = [];

    /// <summary>Per-component population variance.</summary>
    [Id(2)]
    public double[] Variance { get; set; } = [];

    /// <summary>The moments of a <see cref="RunningMeanStd"/>.</summary>
    public static Moments From(RunningMeanStdState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new Moments { Count = state.Count, Mean = (double[])state.Mean.Clone(), Variance = (double[])state.Variance.Clone() };
    }

    /// <summary>As a <see cref="RunningMeanStd"/> state.</summary>
    public RunningMeanStdState ToState() => new((double[])Mean.Clone(), (double[])Variance.Clone(), Count);
}

/// <summary>The statistics of a run's normalisers: of the observations and of the discounted returns (either may be absent).</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.NormalizerStatistics")]
public sealed class NormalizerStatistics
{
    /// <summary>Observation statistics (<see cref="VectorNormalizeObservation"/>), or null.</summary>
    [Id(0)]
    public Moments? Observations { get; set; }

    /// <summary>Discounted-return statistics (<see cref="VectorNormalizeReward"/>), or null.</summary>
    [Id(1)]
    public Moments? Returns { get; set; }
}

/// <summary>The normalisers a run uses and their settings, sent at join so that workers wrap their copies the same way.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.NormalizationSettings")]
public sealed class NormalizationSettings
{
    /// <summary>Whether observations are normalised.</summary>
    [Id(0)]
    public bool Observations { get; set; }

    /// <summary>Clip of the normalised observations.</summary>
    [Id(1)]
    public double ObservationClip { get; set; }

    /// <summary>ε of the observation normaliser.</summary>
    [Id(2)]
    public double ObservationEpsilon { get; set; }

    /// <summary>Whether rewards are scaled by the discounted return's spread.</summary>
    [Id(3)]
    public bool Rewards { get; set; }

    /// <summary>γ of the tracked return.</summary>
    [Id(4)]
    public double Gamma { get; set; }

    /// <summary>Clip of the scaled rewards.</summary>
    [Id(5)]
    public double RewardClip { get; set; }

    /// <summary>ε of the reward normaliser.</summary>
    [Id(6)]
    public double RewardEpsilon { get; set; }
}

/// <summary>
/// Observation and reward normalisation across a cluster. One process updates one running statistic from
/// every copy at every step (SB3's VecNormalize); in the cluster each worker starts a rollout from the
/// statistics the learner published with the weights, updates its own copy of them from its copies at every
/// step (normalising with them, as one process would with fewer copies), and returns the moments of what it
/// added, its delta. The learner merges the deltas, in slot order, into its statistics with the parallel
/// formula of Chan, Golub and LeVeque ("Algorithms for computing the sample variance", 1983) and publishes the
/// result with the next weights. The merged statistics are those of every sample of every worker (to
/// rounding); they are not byte-identical to one process, whose copies see each other's samples within the
/// rollout.
/// </summary>
public static class ClusterNormalization
{
    /// <summary>The normalisers of <paramref name="env"/> (the learner's, as VectorEnvBuilder stacks them), or null for none.</summary>
    public static NormalizationSettings? SettingsOf(IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        VectorNormalizeObservation? observations = VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env);
        VectorNormalizeReward? rewards = VectorEnvBuilder.FindLayer<VectorNormalizeReward>(env);
        if (observations is null && rewards is null)
        {
            return null;
        }

        if (observations is not null && rewards is not null && VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(rewards) is null)
        {
            throw new ArgumentException("The cluster expects the reward normaliser outside the observation normaliser (as VectorEnvBuilder stacks them); this env stacks them the other way round.", nameof(env));
        }

        return new NormalizationSettings
        {
            Observations = observations is not null,
            ObservationClip = observations?.Clip ?? 0,
            ObservationEpsilon = observations?.Epsilon ?? 0,
            Rewards = rewards is not null,
            Gamma = rewards?.Gamma ?? 0,
            RewardClip = rewards?.Clip ?? 0,
            RewardEpsilon = rewards?.Epsilon ?? 0,
        };
    }

    /// <summary>Wraps a worker's copies in the normalisers of <paramref name="settings"/> (none when null), in VectorEnvBuilder's order.</summary>
    public static IVectorEnv Wrap(IVectorEnv env, NormalizationSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (settings is null)
        {
            return env;
        }

        if (settings.Observations)
        {
            env = new VectorNormalizeObservation(env, settings.ObservationClip, settings.ObservationEpsilon);
        }

        if (settings.Rewards)
        {
            env = new VectorNormalizeReward(env, settings.Gamma, settings.RewardClip, settings.RewardEpsilon);
        }

        return env;
    }

    /// <summary>The current statistics of <paramref name="env"/>'s normalisers (null when it has none).</summary>
    public static NormalizerStatistics? Snapshot(IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        RunningMeanStd? observations = VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env)?.ObservationStatistics;
        RunningMeanStd? returns = VectorEnvBuilder.FindLayer<VectorNormalizeReward>(env)?.RewardStatistics;
        return observations is null && returns is null
            ? null
            : new NormalizerStatistics
            {
                Observations = observations is null ? null : Moments.From(observations.GetState()),
                Returns = returns is null ? null : Moments.From(returns.GetState()),
            };
    }

    /// <summary>Sets <paramref name="env"/>'s normalisers to <paramref name="statistics"/> (what the learner published).</summary>
    public static void Load(IVectorEnv env, NormalizerStatistics? statistics)
    {
        ArgumentNullException.ThrowIfNull(env);
        RunningMeanStd? observations = VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env)?.ObservationStatistics;
        RunningMeanStd? returns = VectorEnvBuilder.FindLayer<VectorNormalizeReward>(env)?.RewardStatistics;
        if ((observations is not null && statistics?.Observations is null) || (returns is not null && statistics?.Returns is null))
        {
            throw new ArgumentException("The request carries no normaliser statistics, but this run normalises observations or rewards (a learner of another version?).", nameof(statistics));
        }

        if (observations is not null)
        {
            observations.SetState(statistics!.Observations!.ToState());
        }

        if (returns is not null)
        {
            returns.SetState(statistics!.Returns!.ToState());
        }
    }

    /// <summary>
    /// The moments of the samples that turned <paramref name="before"/> into <paramref name="after"/> (Chan's
    /// combination solved for the second part): with n_B = n − n_A, μ_B = (n·μ − n_A·μ_A) / n_B and
    /// n_B·σ²_B = n·σ² − n_A·σ²_A − δ²·n_A·n_B / n, δ = μ_B − μ_A.
    /// </summary>
    public static Moments Delta(Moments before, Moments after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        int size = before.Mean.Length;
        double countA = before.Count;
        double total = after.Count;

        // Batches hold whole samples; the pseudo-count ε lives in countA only.
        double countB = Math.Round(total - countA);
        var delta = new Moments { Count = countB, Mean = new double[size], Variance = new double[size] };
        if (countB <= 0)
        {
            delta.Count = 0;
            return delta;
        }

        for (int j = 0; j < size; j++)
        {
            double mean = ((total * after.Mean[j]) - (countA * before.Mean[j])) / countB;
            double d = mean - before.Mean[j];
            double m2 = (total * after.Variance[j]) - (countA * before.Variance[j]) - (d * d * countA * countB / total);
            delta.Mean[j] = mean;
            delta.Variance[j] = Math.Max(0, m2 / countB);
        }

        return delta;
    }

    /// <summary>
    /// Chan et al.'s parallel combination: with δ = μ_B − μ_A and n = n_A + n_B, μ = μ_A + δ·n_B / n and
    /// σ² = (n_A·σ²_A + n_B·σ²_B + δ²·n_A·n_B / n) / n.
    /// </summary>
    public static Moments Merge(Moments a, Moments b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Count == 0)
        {
            return new Moments { Count = a.Count, Mean = (double[])a.Mean.Clone(), Variance = (double[])a.Variance.Clone() };
        }

        int size = a.Mean.Length;
        double total = a.Count + b.Count;
        var merged = new Moments { Count = total, Mean = new double[size], Variance = new double[size] };
        for (int j = 0; j < size; j++)
        {
            double d = b.Mean[j] - a.Mean[j];
            merged.Mean[j] = a.Mean[j] + (d * b.Count / total);
            merged.Variance[j] = ((a.Variance[j] * a.Count) + (b.Variance[j] * b.Count) + (d * d * a.Count * b.Count / total)) / total;
        }

        return merged;
    }

    /// <summary>The worker's delta for the rollout that started at <paramref name="before"/> and ended at <paramref name="after"/> (null when the run does not normalise).</summary>
    public static NormalizerStatistics? Delta(NormalizerStatistics? before, NormalizerStatistics? after) =>
        before is null || after is null
            ? null
            : new NormalizerStatistics
            {
                Observations = before.Observations is null || after.Observations is null ? null : Delta(before.Observations, after.Observations),
                Returns = before.Returns is null || after.Returns is null ? null : Delta(before.Returns, after.Returns),
            };

    /// <summary>
    /// Checks a worker's delta against the run: present exactly when the run normalises, of the observation size,
    /// finite, with non-negative variances and at most <paramref name="maxSamples"/> samples. Returns what is wrong, or null.
    /// </summary>
    public static string? Validate(NormalizationSettings? settings, NormalizerStatistics? delta, int observationSize, long maxSamples)
    {
        if (settings is null)
        {
            return delta is null || (delta.Observations is null && delta.Returns is null) ? null : "normaliser statistics for a run that does not normalise";
        }

        return Check("observation statistics", settings.Observations, delta?.Observations, observationSize)
            ?? Check("return statistics", settings.Rewards, delta?.Returns, 1);

        string? Check(string name, bool expected, Moments? moments, int size)
        {
            if (!expected)
            {
                return moments is null ? null : $"{name} for a run that does not normalise them";
            }

            if (moments is null)
            {
                return $"{name} missing";
            }

            if (moments.Mean is null || moments.Variance is null || moments.Mean.Length != size || moments.Variance.Length != size)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name} of {moments.Mean?.Length ?? 0} and {moments.Variance?.Length ?? 0} components, expected {size}");
            }

            if (!(moments.Count >= 0) || moments.Count > maxSamples || moments.Count != Math.Floor(moments.Count))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name} over {moments.Count} samples, expected a whole number from 0 to {maxSamples}");
            }

            for (int j = 0; j < size; j++)
            {
                if (!double.IsFinite(moments.Mean[j]) || !(moments.Variance[j] >= 0) || double.IsInfinity(moments.Variance[j]))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{name}: component {j} has mean {moments.Mean[j]} and variance {moments.Variance[j]} (expected finite, variance ≥ 0)");
                }
            }

            return null;
        }
    }

    /// <summary>Merges the workers' deltas, in the order given, into the learner's normalisers.</summary>
    public static void MergeInto(IVectorEnv learnerEnv, IEnumerable<NormalizerStatistics?> deltas)
    {
        ArgumentNullException.ThrowIfNull(learnerEnv);
        ArgumentNullException.ThrowIfNull(deltas);
        NormalizerStatistics? merged = Snapshot(learnerEnv);
        if (merged is null)
        {
            return;
        }

        foreach (NormalizerStatistics? delta in deltas)
        {
            if (merged.Observations is not null && delta?.Observations is not null)
            {
                merged.Observations = Merge(merged.Observations, delta.Observations);
            }

            if (merged.Returns is not null && delta?.Returns is not null)
            {
                merged.Returns = Merge(merged.Returns, delta.Returns);
            }
        }

        Load(learnerEnv, merged);
    }
}
