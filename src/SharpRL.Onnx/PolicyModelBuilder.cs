using System.Globalization;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Inference;
using SharpRL.Nn;
using SharpRL.Policies;
using SharpRL.Serialization;
using SharpRL.Spaces;
using SharpRL.Training;

namespace SharpRL.Onnx;

/// <summary>The frozen observation normaliser of a run: statistics, clip and ε of SB3's VecNormalize.</summary>
/// <param name="Mean">μ per component.</param>
/// <param name="Variance">σ² per component.</param>
/// <param name="Clip">Bound on |normalised component|.</param>
/// <param name="Epsilon">Added to σ² before the square root.</param>
public sealed record ObservationNormalization(double[] Mean, double[] Variance, double Clip, double Epsilon)
{
    /// <summary>A snapshot of <paramref name="statistics"/> with the wrapper's clip and ε.</summary>
    public static ObservationNormalization From(RunningMeanStd statistics, double clip = 10.0, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new ObservationNormalization(statistics.Mean.ToArray(), statistics.Variance.ToArray(), clip, epsilon);
    }
}

/// <summary>
/// Turns a trained SharpRL policy into the runtime-independent <see cref="PolicyModel"/> that both
/// the ONNX exporter and <see cref="Agent"/> consume: the networks' weights read off the policy's
/// named parameters, the normaliser's statistics, and the action head's constants.
/// </summary>
/// <remarks>
/// Supported today: <see cref="ActorCriticPolicy"/> with Categorical, MultiCategorical and diagonal
/// Gaussian heads, separate or shared-trunk networks, on Box or Discrete (one-hot) observations. A new policy kind
/// (a deterministic or squashed-Gaussian actor) slots in as one more <c>From…</c> method and one
/// more <see cref="ActionHead"/> value, with its graph in <see cref="OnnxExporter"/>.
/// </remarks>
public static class PolicyModelBuilder
{
    /// <summary>Describes <paramref name="policy"/> (and its normaliser) for export.</summary>
    /// <param name="policy">The trained actor-critic.</param>
    /// <param name="normalization">The frozen observation normaliser it was trained behind, or null.</param>
    /// <param name="includeValue">Keep the critic V(s) (true) or drop it (a smaller file).</param>
    public static PolicyModel FromPolicy(ActorCriticPolicy policy, ObservationNormalization? normalization, bool includeValue = true)
    {
        ArgumentNullException.ThrowIfNull(policy);
        DiscreteObservation? discreteObservation = policy.ObservationSpace is Discrete observed ? new DiscreteObservation(observed.N, observed.Start) : null;
        if (discreteObservation is not null && normalization is not null)
        {
            throw new ArgumentException("a policy on Discrete observations has no observation normaliser; pass null.", nameof(normalization));
        }

        if (policy.ObservationSpace is not (Box or Discrete))
        {
            throw new NotSupportedException($"Export of policies on {policy.ObservationSpace} observations is not supported; expected Box or Discrete.");
        }

        // ObservationSize is the network's input (the one-hot width for Discrete observations); the env gives one float then.
        int networkInput = policy.ObservationSize;
        int observationSize = discreteObservation is null ? networkInput : 1;
        var parameters = policy.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        HiddenActivation activation = policy.Options.Activation == Activation.Relu ? HiddenActivation.Relu : HiddenActivation.Tanh;
        DenseNetwork policyNet, valueNet;
        if (policy.SharesTrunk)
        {
            // trunk.0, trunk.2, … then one linear head: the trunk's activation also follows its last layer.
            List<DenseLayer> trunk = ReadMlp(parameters, "trunk.");
            policyNet = new DenseNetwork(activation, [.. trunk, ReadLinear(parameters, "pi.")]);
            valueNet = new DenseNetwork(activation, [.. trunk, ReadLinear(parameters, "vf.")]);
        }
        else
        {
            policyNet = new DenseNetwork(activation, ReadMlp(parameters, "pi."));
            valueNet = new DenseNetwork(activation, ReadMlp(parameters, "vf."));
        }

        ObservationNormalizer? normalizer = null;
        if (normalization is not null)
        {
            if (normalization.Mean.Length != networkInput || normalization.Variance.Length != networkInput)
            {
                throw new ArgumentException($"the normaliser has {normalization.Mean.Length} means and {normalization.Variance.Length} variances; the policy takes {networkInput} observation components.", nameof(normalization));
            }

            double[] scale = [.. normalization.Variance.Select(v => Math.Sqrt(v + normalization.Epsilon))];
            normalizer = new ObservationNormalizer([.. normalization.Mean], scale, normalization.Clip);
        }

        DenseNetwork? value = includeValue ? valueNet : null;
        switch (policy.ActionSpace)
        {
            case Discrete discrete:
                return new PolicyModel(observationSize, normalizer, policyNet, value, ActionHead.Categorical, [discrete.N], [discrete.Start], [], [], [], discreteObservation);
            case MultiDiscrete multi:
                return new PolicyModel(observationSize, normalizer, policyNet, value, ActionHead.MultiCategorical, [.. multi.Nvec], [.. multi.Start.Select(s => (float)s)], [], [], [], discreteObservation);
            case Box box:
                float[] logStd = policy.LogStd?.Value.ToArray() ?? throw new InvalidOperationException("A Box-action policy without log σ.");
                return new PolicyModel(observationSize, normalizer, policyNet, value, ActionHead.DiagGaussian, [], [], logStd, box.Low.ToArray(), box.High.ToArray(), discreteObservation);
            default:
                throw new NotSupportedException($"Export of action space {policy.ActionSpace} is not supported; expected Discrete, MultiDiscrete or Box.");
        }
    }

    /// <summary>
    /// Describes the policy of a saved run: a run folder (its final model, else its latest checkpoint)
    /// or a checkpoint path, as <c>sharprl eval</c> takes.
    /// </summary>
    /// <param name="path">Run folder or checkpoint.</param>
    /// <param name="registry">Env registry to rebuild the training spaces (e.g. <c>Gym.Registry</c>).</param>
    /// <param name="includeValue">Keep the critic.</param>
    public static PolicyModel FromCheckpoint(string path, EnvRegistry registry, bool includeValue = true)
    {
        ArgumentNullException.ThrowIfNull(registry);
        (string Directory, string Name) checkpoint = AgentCheckpoint.Resolve(path);
        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(checkpoint, registry);
        if (loaded.Policy is not ActorCriticActingPolicy acting)
        {
            // The off-policy actors (DDPG/TD3 deterministic, SAC squashed Gaussian) slot in here.
            throw new NotSupportedException($"Export of {loaded.Run.Algorithm} policies ({loaded.Policy.GetType().Name}) is not supported yet; the exporter covers the actor-critic policies of ppo, a2c, reinforce, npg and trpo.");
        }

        ObservationNormalization? normalization = null;
        if (acting.NormalizeObservation is { } transform)
        {
            normalization = ReadNormalization(checkpoint, acting.Policy, transform);
        }

        return FromPolicy(acting.Policy, normalization, includeValue);
    }

    private static ObservationNormalization ReadNormalization((string Directory, string Name) checkpoint, ActorCriticPolicy policy, ObservationTransform transform)
    {
        CheckpointData data = Checkpoint.Load(checkpoint.Directory, expectedAlgorithm: null, checkpoint.Name);
        int n = policy.ObservationSize;
        double[] mean = new double[n], variance = new double[n];
        data.CopyTensorTo<double>("normalize.obs.mean", mean, [n]);
        data.CopyTensorTo<double>("normalize.obs.var", variance, [n]);

        // The policy saw Box(±clip) observations; ε is VectorNormalizeObservation's default. Both are
        // checked below against the loader's own normaliser, so a change there fails loudly here.
        double clip = policy.ObservationSpace is Box box && box.High.Length > 0 ? box.High[0] : double.PositiveInfinity;
        var normalization = new ObservationNormalization(mean, variance, clip, 1e-8);
        var statistics = new RunningMeanStd(n) { Frozen = true };
        statistics.SetState(new RunningMeanStdState(mean, variance, 1.0));
        var random = new Random(12345);
        float[] probe = new float[n], expected = new float[n], actual = new float[n];
        for (int trial = 0; trial < 16; trial++)
        {
            for (int j = 0; j < n; j++)
            {
                // Far outside the statistics too, so the clip is exercised.
                probe[j] = (float)(mean[j] + (Math.Sqrt(variance[j] + 1e-8) * (random.NextDouble() - 0.5) * 4 * Math.Max(1, clip)));
            }

            transform(probe, expected);
            statistics.Normalize(probe, actual, clip, normalization.Epsilon);
            for (int j = 0; j < n; j++)
            {
                if (expected[j] != actual[j])
                {
                    throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                        $"Checkpoint {data.SourcePath}: its observation normaliser could not be reproduced for export (component {j}: {actual[j]} instead of {expected[j]}; clip {clip}, ε 1e-8 assumed)."));
                }
            }
        }

        return normalization;
    }

    private static List<DenseLayer> ReadMlp(Dictionary<string, Parameter<float>> parameters, string prefix)
    {
        var layers = new List<DenseLayer>();
        for (int index = 0; parameters.ContainsKey($"{prefix}{index}.weight"); index += 2)
        {
            layers.Add(ReadLinear(parameters, string.Create(CultureInfo.InvariantCulture, $"{prefix}{index}.")));
        }

        if (layers.Count == 0)
        {
            throw new InvalidOperationException($"The policy has no parameters named '{prefix}0.weight'; its networks are not the MLPs this exporter knows (parameters: {string.Join(", ", parameters.Keys)}).");
        }

        return layers;
    }

    private static DenseLayer ReadLinear(Dictionary<string, Parameter<float>> parameters, string prefix)
    {
        if (!parameters.TryGetValue(prefix + "weight", out Parameter<float>? weight) || !parameters.TryGetValue(prefix + "bias", out Parameter<float>? bias))
        {
            throw new InvalidOperationException($"The policy has no parameters '{prefix}weight' and '{prefix}bias' (parameters: {string.Join(", ", parameters.Keys)}).");
        }

        return new DenseLayer(weight.Shape[0], weight.Shape[1], [.. weight.Value], [.. bias.Value]);
    }
}
