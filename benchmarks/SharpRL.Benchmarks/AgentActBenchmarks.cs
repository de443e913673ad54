using BenchmarkDotNet.Attributes;
using SharpRL.Inference;
using SharpRL.Onnx;
using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Benchmarks;

/// <summary>
/// Latency of one <see cref="Agent.Act(ReadOnlySpan{float}, Span{float})"/> call (one observation) for a
/// 64-64 tanh policy with an observation normaliser, next to the training-time
/// <see cref="ActorCriticPolicy.Predict"/> on the same weights; allocation per call is measured too.
/// Shapes: CartPole (4 → 64 → 64 → 2 logits) and a HalfCheetah-sized Gaussian (17 → 64 → 64 → 6).
/// Run: <c>dotnet run -c Release --project benchmarks/SharpRL.Benchmarks -- --filter *AgentActBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class AgentActBenchmarks
{
    private Agent _agent = null!;
    private ActorCriticPolicy _policy = null!;
    private readonly Random _random = new(1);
    private float[] _observation = [];
    private float[] _action = [];

    /// <summary>Categorical (CartPole-sized) or Gaussian (HalfCheetah-sized) head.</summary>
    [Params("Categorical4", "Gaussian17")]
    public string Policy { get; set; } = "Categorical4";

    /// <summary>Argmax / mean (true) or a draw (false).</summary>
    [Params(true, false)]
    public bool Deterministic { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool gaussian = Policy == "Gaussian17";
        int n = gaussian ? 17 : 4;
        Space actions = gaussian ? new Box(-1f, 1f, 6) : new Discrete(2);
        _policy = new ActorCriticPolicy(new Box(float.NegativeInfinity, float.PositiveInfinity, n), actions, new PolicyOptions(), new Random(0));
        var random = new Random(2);
        double[] mean = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
        double[] variance = [.. Enumerable.Range(0, n).Select(_ => 0.5 + random.NextDouble())];
        _agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(_policy, new ObservationNormalization(mean, variance, 10, 1e-8)), seed: 3);
        _agent.Deterministic = Deterministic;
        _observation = [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble())];
        _action = new float[_agent.ActionSize];
    }

    /// <summary>SharpRL.Inference: normaliser, network and action selection for one observation.</summary>
    [Benchmark(Baseline = true)]
    public float AgentAct()
    {
        _agent.Act(_observation, _action);
        return _action[0];
    }

    /// <summary>The training library's policy on the same (already normalised) observation, for comparison.</summary>
    [Benchmark]
    public float TrainingPolicyPredict()
    {
        _policy.Predict(_observation, 1, _action, Deterministic, _random);
        return _action[0];
    }
}
