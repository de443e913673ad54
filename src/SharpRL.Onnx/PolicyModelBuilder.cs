using System.Globalization;
using System.Text.Json.Nodes;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.OffPolicy;
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
/// Supported: <see cref="ActorCriticPolicy"/> (PPO, A2C, REINFORCE, NPG, TRPO) with Categorical,
/// MultiCategorical and diagonal Gaussian heads, separate or shared-trunk networks, on Box or Discrete
/// (one-hot) observations; DDPG/TD3's <see cref="DeterministicActor{T}"/> and SAC's
/// <see cref="SquashedGaussianActor{T}"/> with the rescaling to their Box action bounds. A new policy kind
/// slots in as one more <c>From…</c> method and one more <see cref="ActionHead"/> value, with its graph in
/// <see cref="OnnxExporter"/>.
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
    /// Describes DDPG/TD3's actor: a = low + (tanh(MLP(s)) + 1)(high − low)/2, the rule of their acting policy.
    /// </summary>
    /// <param name="actor">The trained actor μ.</param>
    /// <param name="actionSpace">The bounded Box its tanh output is rescaled to.</param>
    public static PolicyModel FromActor(DeterministicActor<float> actor, Box actionSpace)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(actionSpace);
        return FromOffPolicyNetwork(actor.Network, actor.ActionSize, actionSpace, ActionHead.DeterministicTanh);
    }

    /// <summary>
    /// Describes SAC's actor: the MLP's [μ, raw log σ], log σ clamped to [−20, 2], a = rescale(tanh(μ))
    /// deterministically or rescale(tanh(μ + σ ε)) sampled.
    /// </summary>
    /// <param name="actor">The trained actor.</param>
    /// <param name="actionSpace">The bounded Box its tanh output is rescaled to.</param>
    public static PolicyModel FromActor(SquashedGaussianActor<float> actor, Box actionSpace)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(actionSpace);
        return FromOffPolicyNetwork(actor.Network, actor.ActionSize, actionSpace, ActionHead.SquashedGaussian);
    }

    /// <summary>Describes an off-policy acting policy restored from a run (DDPG, TD3 or SAC).</summary>
    /// <param name="policy">A <see cref="DeterministicActingPolicy"/> or a <see cref="SquashedGaussianActingPolicy"/>.</param>
    public static PolicyModel FromActingPolicy(IActingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy switch
        {
            DeterministicActingPolicy deterministic => FromActor(deterministic.Actor, RequireBox(policy)),
            SquashedGaussianActingPolicy squashed => FromActor(squashed.Actor, RequireBox(policy)),
            _ => throw new NotSupportedException($"Export of {policy.GetType().Name} is not supported; expected an actor-critic, deterministic (DDPG/TD3) or squashed-Gaussian (SAC) acting policy."),
        };
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
        if (loaded.Policy is DeterministicActingPolicy or SquashedGaussianActingPolicy)
        {
            // DDPG/TD3/SAC have no observation normaliser and no V(s) (their critics are Q(s, a)): the actor is the whole policy.
            return FromActingPolicy(loaded.Policy);
        }

        if (loaded.Policy is not ActorCriticActingPolicy acting)
        {
            throw new NotSupportedException($"Export of {loaded.Run.Algorithm} policies ({loaded.Policy.GetType().Name}) is not supported; the exporter covers the actor-critic policies of ppo, a2c, reinforce, npg and trpo and the actors of ddpg, td3 and sac.");
        }

        ObservationNormalization? normalization = null;
        if (acting.NormalizeObservation is { } transform)
        {
            normalization = ReadNormalization(checkpoint, acting.Policy, transform);
        }

        return FromPolicy(acting.Policy, normalization, includeValue);
    }

    /// <summary>
    /// Whether the run behind <paramref name="path"/> was trained on an env that supplied action masks: read
    /// from the checkpoint (<see cref="OnPolicyAlgorithm.ActionMasksKey"/>); for a checkpoint written before
    /// that key existed, whether the run's env, made from <paramref name="registry"/>, supplies masks.
    /// False for off-policy runs (their Box actions cannot be masked).
    /// </summary>
    /// <param name="path">Run folder or checkpoint, as for <see cref="FromCheckpoint"/>.</param>
    /// <param name="registry">Env registry that knows the run's env.</param>
    public static bool TrainedWithActionMasks(string path, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        (string Directory, string Name) checkpoint = AgentCheckpoint.Resolve(path);
        CheckpointData data = Checkpoint.Load(checkpoint.Directory, expectedAlgorithm: null, checkpoint.Name);
        switch (data.Extra[OnPolicyAlgorithm.ActionMasksKey])
        {
            case JsonValue value when value.TryGetValue(out bool recorded):
                return recorded;
            case null:
                break;
            default:
                throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{OnPolicyAlgorithm.ActionMasksKey} must be true or false; got {data.Extra[OnPolicyAlgorithm.ActionMasksKey]!.ToJsonString()}.");
        }

        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(checkpoint, registry);
        if (loaded.Policy.ActionSpace is not (Discrete or MultiDiscrete))
        {
            return false;
        }

        using IEnv env = registry.Make(loaded.Run.EnvId);
        return env is IActionMaskEnv { HasActionMask: true };
    }

    private static Box RequireBox(IActingPolicy policy) =>
        policy.ActionSpace as Box ?? throw new NotSupportedException($"An off-policy actor acts in a Box action space; this one's is {policy.ActionSpace}.");

    private static PolicyModel FromOffPolicyNetwork(Mlp<float> network, int actionSize, Box actionSpace, ActionHead head)
    {
        if (actionSpace.FlatSize != actionSize)
        {
            throw new ArgumentException($"the actor gives {actionSize} actions but the action space {actionSpace} has {actionSpace.FlatSize} dimensions.", nameof(actionSpace));
        }

        HiddenActivation activation = network.Activation == Activation.Relu ? HiddenActivation.Relu : HiddenActivation.Tanh;
        var layers = network.Layers.Select(l => new DenseLayer(l.InputSize, l.OutputSize, [.. l.Weight.Value], [.. l.Bias.Value])).ToList();

        // The actor reads the raw observation (no normaliser in these algorithms) and has no V(s).
        return new PolicyModel(network.InputSize, null, new DenseNetwork(activation, layers), null, head, [], [], [], actionSpace.Low.ToArray(), actionSpace.High.ToArray());
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
