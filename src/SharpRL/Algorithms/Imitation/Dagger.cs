using SharpRL.Datasets;
using SharpRL.Training;

namespace SharpRL.Algorithms.Imitation;

/// <summary>Settings of <see cref="Dagger"/>.</summary>
public sealed record DaggerOptions
{
    /// <summary>DAgger iterations after the initial behaviour-cloning fit.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Env steps the learner plays (and the expert labels) per iteration.</summary>
    public int StepsPerIteration { get; init; } = 500;

    /// <summary>Episodes played after each fit to measure the learner (deterministic, fixed seeds); 0 for none.</summary>
    public int EvaluationEpisodes { get; init; } = 10;

    /// <summary>Settings of every behaviour-cloning fit.</summary>
    public BehaviorCloningOptions BehaviorCloning { get; init; } = new();

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (Iterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "iterations must be ≥ 0.");
        }

        if (StepsPerIteration <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(StepsPerIteration), StepsPerIteration, "steps_per_iteration must be positive.");
        }

        if (EvaluationEpisodes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluationEpisodes), EvaluationEpisodes, "evaluation_episodes must be ≥ 0.");
        }

        BehaviorCloning.Validate();
    }
}

/// <summary>One point of a DAgger run: after fitting on <paramref name="ExpertLabels"/> expert-labelled pairs.</summary>
/// <param name="Iteration">0 for the initial fit on the demonstrations.</param>
/// <param name="ExpertLabels">Size of the aggregated dataset: every pair carries one expert label.</param>
/// <param name="MeanReturn">Mean deterministic evaluation return of the learner (NaN when not evaluated).</param>
public sealed record DaggerPoint(int Iteration, int ExpertLabels, double MeanReturn);

/// <summary>
/// DAgger (Ross, Gordon &amp; Bagnell 2011), the fix for behaviour cloning's compounding errors: the
/// learner drifts to states the expert never showed, so play the learner, ask the expert what it
/// would have done in the states the learner visited, aggregate D ← D ∪ {(s, π*(s))}, and refit.
/// The expert is any function from observation to env action, e.g. a saved SharpRL policy
/// (<see cref="DatasetRecorder.FromPolicy(SharpRL.Algorithms.IActingPolicy, bool, Random)"/>).
/// </summary>
public sealed class Dagger
{
    private readonly IEnv _env;
    private readonly ActionFunction _expert;
    private readonly DaggerOptions _options;
    private readonly BehaviorCloning _learner;
    private readonly int _seed;

    /// <summary>Prepares DAgger in <paramref name="env"/> with <paramref name="expert"/> as the labeller.</summary>
    public Dagger(IEnv env, ActionFunction expert, DaggerOptions options, int seed)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _expert = expert ?? throw new ArgumentNullException(nameof(expert));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _seed = seed;
        _learner = new BehaviorCloning(env.ObservationSpace, env.ActionSpace, options.BehaviorCloning, seed);
    }

    /// <summary>The learner.</summary>
    public ActorCriticPolicy Policy => _learner.Policy;

    /// <summary>The aggregated dataset after <see cref="Run"/>.</summary>
    public TransitionSet? Data { get; private set; }

    /// <summary>
    /// Fits the learner on <paramref name="demonstrations"/>, then runs the DAgger iterations; returns
    /// the learning curve (expert labels → evaluation return), one point per fit.
    /// </summary>
    public IReadOnlyList<DaggerPoint> Run(TransitionSet demonstrations, Action<DaggerPoint>? afterFit = null)
    {
        ArgumentNullException.ThrowIfNull(demonstrations);
        TransitionSet data = demonstrations;
        var curve = new List<DaggerPoint>();
        _learner.Fit(data);
        Report(0);
        var learnerActions = DatasetRecorder.FromPolicy(Policy, deterministic: true, new Random(_seed));
        int d = _env.ObservationSpace.FlatSize, a = _env.ActionSpace.FlatSize;
        var observation = new float[d];
        var action = new float[a];
        bool needsReset;
        int episode = 0;
        for (int iteration = 1; iteration <= _options.Iterations; iteration++)
        {
            // D_i: the states the current learner visits, labelled with the expert's actions (a fresh
            // episode each iteration: the evaluation above used the env).
            needsReset = true;
            float[] states = new float[_options.StepsPerIteration * d];
            float[] labels = new float[_options.StepsPerIteration * a];
            for (int t = 0; t < _options.StepsPerIteration; t++)
            {
                if (needsReset)
                {
                    _env.Reset(observation, _seed + 1_000_000 + episode++);
                    needsReset = false;
                }

                observation.CopyTo(states, t * d);
                _expert(observation, labels.AsSpan(t * a, a));
                learnerActions(observation, action);
                needsReset = _env.Step(action, observation).Done;
            }

            data = data.Concat(new TransitionSet(_env.ObservationSpace, _env.ActionSpace, states, labels));
            _learner.Fit(data);
            Report(iteration);
        }

        Data = data;
        return curve;

        void Report(int iteration)
        {
            double mean = _options.EvaluationEpisodes > 0
                ? Evaluation.Evaluate(Policy, _env, _options.EvaluationEpisodes, deterministic: true, seed: _seed + 2_000_000).Mean
                : double.NaN;
            var point = new DaggerPoint(iteration, data.Count, mean);
            curve.Add(point);
            afterFit?.Invoke(point);
        }
    }
}
