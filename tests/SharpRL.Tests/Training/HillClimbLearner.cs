using System.Text.Json.Nodes;
using SharpRL.Algorithms;
using SharpRL.Envs;
using SharpRL.Rng;
using SharpRL.Serialization;
using SharpRL.Spaces;

namespace SharpRL.Tests.Training;

/// <summary>Options of <see cref="HillClimbLearner"/>.</summary>
internal sealed record HillClimbOptions
{
    /// <summary>Std of the Gaussian perturbation of the weights.</summary>
    public double NoiseScale { get; init; } = 0.5;
}

/// <summary>
/// A learner of none of the built-in families, to prove the run layer is algorithm-agnostic: random-search
/// hill climbing of a linear greedy policy (perturb the weights, play one seeded episode, keep if not worse).
/// Its env is reset with a seed per iteration, so it resumes exactly without env state.
/// </summary>
internal sealed class HillClimbLearner : ILearner
{
    public const string Name = "test-hill-climb";

    private readonly IEnv _env;
    private readonly int _seed;
    private readonly HillClimbOptions _options;
    private readonly SerializableRandom _random;
    private readonly float[] _weights;
    private readonly float[] _candidate;
    private readonly float[] _observation;
    private readonly float[] _action = new float[1];
    private readonly int _actions;
    private double _bestReturn = double.NegativeInfinity;
    private long _iterations;

    public HillClimbLearner(IEnv env, HillClimbOptions options, int seed)
    {
        if (env.ActionSpace is not Discrete discrete)
        {
            throw new ArgumentException($"{Name} needs a Discrete action space; the env has {env.ActionSpace}.", nameof(env));
        }

        _env = env;
        _options = options;
        _seed = seed;
        _random = new SerializableRandom(seed);
        _actions = discrete.N;
        _observation = new float[env.ObservationSpace.FlatSize];
        _weights = new float[_actions * _observation.Length];
        _candidate = new float[_weights.Length];
    }

    public static AlgorithmDescriptor Descriptor { get; } = new AlgorithmDescriptor<HillClimbOptions>(
        Name,
        "hill climbing of a linear policy (a test of the run layer)",
        AlgorithmFamily.FromData,
        new HillClimbOptions(),
        (context, options) => new HillClimbLearner(context.Own(context.MakeEnv()), options, context.Seed),
        (checkpoint, options, makeEnv) =>
        {
            using IEnv env = makeEnv();
            var weights = new float[((Discrete)env.ActionSpace).N * env.ObservationSpace.FlatSize];
            checkpoint.CopyTensorTo<float>("weights", weights, [weights.Length]);
            return new LinearPolicy(weights, env.ObservationSpace, env.ActionSpace);
        })
    {
        ValidateOptions = o =>
        {
            if (!(o.NoiseScale > 0))
            {
                throw new ArgumentException($"Setting noise_scale = {o.NoiseScale} is invalid; expected > 0.");
            }
        },
        Presets = envId => envId == "CartPole-v1" ? new Preset<HillClimbOptions>(new HillClimbOptions { NoiseScale = 0.3 }, 5_000, "test preset") : null,
        DefaultBudget = 2_000,
    };

    public long NumTimesteps { get; private set; }

    public double RecentMeanReturn => _bestReturn;

    public IReadOnlyList<KeyValuePair<string, TimeSpan>> TimeByPhase => [new("search", TimeSpan.Zero)];

    public float[] Weights => _weights;

    public bool Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken)
    {
        while (NumTimesteps < totalTimesteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            for (int i = 0; i < _weights.Length; i++)
            {
                // Box–Muller: one standard normal from two uniforms.
                double u = 1.0 - _random.NextDouble(), v = _random.NextDouble();
                _candidate[i] = _weights[i] + (float)(_options.NoiseScale * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
            }

            double episodeReturn = PlayEpisode(_candidate, _seed + (int)_iterations);
            if (episodeReturn >= _bestReturn)
            {
                _bestReturn = episodeReturn;
                _candidate.CopyTo(_weights, 0);
            }

            _iterations++;
            afterIteration?.Invoke(this);
        }

        return true;
    }

    public void SaveState(LearnerState state)
    {
        state.Tensors.Add(SafeTensor.Create<float>("weights", _weights, _weights.Length));
        state.Counters["num_timesteps"] = NumTimesteps;
        state.Counters["iterations"] = _iterations;
        state.Extra["rng_state"] = _random.SaveState();
        state.Extra["best_return"] = double.IsFinite(_bestReturn) ? _bestReturn : null;
        state.ObservationSpace = _env.ObservationSpace.ToString();
        state.ActionSpace = _env.ActionSpace.ToString();
    }

    public bool LoadState(CheckpointData checkpoint)
    {
        checkpoint.CopyTensorTo<float>("weights", _weights, [_weights.Length]);
        NumTimesteps = checkpoint.GetCounter("num_timesteps");
        _iterations = checkpoint.GetCounter("iterations");
        _random.RestoreState(checkpoint.Extra["rng_state"]!.GetValue<string>());
        _bestReturn = checkpoint.Extra["best_return"] is JsonNode best ? best.GetValue<double>() : double.NegativeInfinity;
        return true;
    }

    public IActingPolicy CreateEvaluationPolicy() => new LinearPolicy((float[])_weights.Clone(), _env.ObservationSpace, _env.ActionSpace);

    public void Dispose()
    {
    }

    private double PlayEpisode(float[] weights, int seed)
    {
        var policy = new LinearPolicy(weights, _env.ObservationSpace, _env.ActionSpace);
        _env.Reset(_observation, seed);
        double total = 0;
        while (true)
        {
            policy.Act(_observation, _action, deterministic: true, _random);
            StepResult step = _env.Step(_action, _observation);
            NumTimesteps++;
            total += step.Reward;
            if (step.Done)
            {
                return total;
            }
        }
    }

    /// <summary>Greedy linear policy: the action with the largest w_a · observation.</summary>
    private sealed class LinearPolicy(float[] weights, Space observationSpace, Space actionSpace) : IActingPolicy
    {
        public Space ObservationSpace => observationSpace;

        public Space ActionSpace => actionSpace;

        public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random)
        {
            int n = observation.Length, best = 0;
            double bestScore = double.NegativeInfinity;
            for (int a = 0; a < weights.Length / n; a++)
            {
                double score = 0;
                for (int j = 0; j < n; j++)
                {
                    score += weights[(a * n) + j] * observation[j];
                }

                if (score > bestScore)
                {
                    bestScore = score;
                    best = a;
                }
            }

            action[0] = best + ((Discrete)actionSpace).Start;
        }
    }
}
