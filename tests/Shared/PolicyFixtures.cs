using SharpRL.Envs;
using SharpRL.Nn;
using SharpRL.Onnx;
using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Deploy.Tests;

/// <summary>The policy kinds the exporter and the inference package must reproduce.</summary>
public enum PolicyKind
{
    /// <summary>Discrete(4, start 1).</summary>
    Categorical,

    /// <summary>MultiDiscrete([3, 2, 4], start [0, −1, 2]).</summary>
    MultiCategorical,

    /// <summary>Box([−0.5, −1, −2], [0.5, 1, 2]): means often outside, so clipping matters.</summary>
    GaussianBounded,

    /// <summary>Box(−∞, ∞, [2]): no clipping.</summary>
    GaussianUnbounded,
}

/// <summary>Random, non-trivial SharpRL policies, normalisers and observations for the deployment tests.</summary>
public static class PolicyFixtures
{
    public const int ObservationSize = 5;

    /// <summary>Every kind × {separate, shared trunk} × {tanh, relu} × {normaliser, none} that matters, as xunit rows.</summary>
    public static TheoryData<PolicyKind, bool, Activation, bool> Cases()
    {
        var data = new TheoryData<PolicyKind, bool, Activation, bool>();
        foreach (PolicyKind kind in Enum.GetValues<PolicyKind>())
        {
            data.Add(kind, false, Activation.Tanh, false);
            data.Add(kind, false, Activation.Tanh, true);
            data.Add(kind, true, Activation.Relu, true);
        }

        return data;
    }

    public static Space ActionSpace(PolicyKind kind) => kind switch
    {
        PolicyKind.Categorical => new Discrete(4, start: 1),
        PolicyKind.MultiCategorical => new MultiDiscrete([3, 2, 4], [0, -1, 2]),
        PolicyKind.GaussianBounded => new Box([-0.5f, -1f, -2f], [0.5f, 1f, 2f]),
        _ => new Box(float.NegativeInfinity, float.PositiveInfinity, 2),
    };

    /// <summary>The Discrete observation space of <see cref="DiscreteObservationPolicy"/>: values 2 to 7.</summary>
    public static readonly Discrete DiscreteObservations = new(6, start: 2);

    /// <summary>A random policy on <see cref="DiscreteObservations"/> (one-hot encoded by SharpRL).</summary>
    public static ActorCriticPolicy DiscreteObservationPolicy(PolicyKind kind, int seed) => Policy(kind, false, Activation.Tanh, seed, DiscreteObservations);

    /// <summary>Every value of <see cref="DiscreteObservations"/>, then again shuffled: [batch × 1].</summary>
    public static float[] DiscreteObservationValues(int seed)
    {
        var random = new Random(seed);
        float[] values = [.. Enumerable.Range(0, 12).Select(i => (float)(DiscreteObservations.Start + (i % DiscreteObservations.N)))];
        random.Shuffle(values.AsSpan(6));
        return values;
    }

    /// <summary>A policy whose every parameter is drawn N(0, 0.5²), so logits and means vary visibly with the state.</summary>
    public static ActorCriticPolicy Policy(PolicyKind kind, bool sharedTrunk, Activation activation, int seed, Space? observationSpace = null)
    {
        var options = new PolicyOptions
        {
            PolicyHiddenSizes = [16, 8],
            ValueHiddenSizes = [12],
            Activation = activation,
            SharedTrunk = sharedTrunk,
        };
        observationSpace ??= new Box(float.NegativeInfinity, float.PositiveInfinity, ObservationSize);
        var policy = new ActorCriticPolicy(observationSpace, ActionSpace(kind), options, new Random(seed));
        var random = new Random(seed + 1);
        foreach (Parameter<float> p in policy.Parameters)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Value[i] = (float)(0.5 * Normal(random));
            }
        }

        return policy;
    }

    /// <summary>Statistics far from the identity (μ up to ±2, σ² from 0.1 to 4) and a clip of 2.5 that real observations reach.</summary>
    public static ObservationNormalization? Normalization(bool enabled, int seed)
    {
        if (!enabled)
        {
            return null;
        }

        var random = new Random(seed);
        double[] mean = [.. Enumerable.Range(0, ObservationSize).Select(_ => (random.NextDouble() * 4) - 2)];
        double[] variance = [.. Enumerable.Range(0, ObservationSize).Select(_ => 0.1 + (random.NextDouble() * 3.9))];
        return new ObservationNormalization(mean, variance, Clip: 2.5, Epsilon: 1e-8);
    }

    /// <summary>Raw observations around the normaliser's mean, some several σ out (so the clip is hit).</summary>
    public static float[] Observations(int batchSize, Random random, ObservationNormalization? normalization)
    {
        float[] observations = new float[batchSize * ObservationSize];
        for (int i = 0; i < observations.Length; i++)
        {
            int j = i % ObservationSize;
            double mean = normalization?.Mean[j] ?? 0;
            double std = normalization is null ? 1.5 : Math.Sqrt(normalization.Variance[j]);
            observations[i] = (float)(mean + (std * 1.5 * Normal(random)));
        }

        return observations;
    }

    /// <summary>What the network saw in training: SharpRL's own RunningMeanStd normalisation.</summary>
    public static float[] NormalizeLikeTraining(float[] observations, ObservationNormalization? normalization)
    {
        if (normalization is null)
        {
            return (float[])observations.Clone();
        }

        var statistics = new RunningMeanStd(ObservationSize) { Frozen = true };
        statistics.SetState(new RunningMeanStdState(normalization.Mean, normalization.Variance, 1.0));
        float[] normalized = new float[observations.Length];
        statistics.Normalize(observations, normalized, normalization.Clip, normalization.Epsilon);
        return normalized;
    }

    /// <summary>The training-time policy's deterministic env actions: mode, then ToEnvActions.</summary>
    public static float[] TrainingActions(ActorCriticPolicy policy, float[] normalized, int batchSize, bool deterministic, Random? random = null)
    {
        float[] policyActions = new float[batchSize * policy.ActionSize];
        policy.Predict(normalized, batchSize, policyActions, deterministic, random);
        float[] envActions = new float[policyActions.Length];
        policy.ToEnvActions(policyActions, envActions, batchSize);
        return envActions;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
