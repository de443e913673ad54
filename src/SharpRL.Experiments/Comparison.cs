using SharpRL.Algorithms.Common;
using SharpRL.Training;

namespace SharpRL.Experiments;

/// <summary>What <see cref="Comparison.Run"/> trains: each algorithm with its preset, for seeds 0 … Seeds − 1.</summary>
public sealed record ComparisonRequest
{
    /// <summary>Env id every algorithm trains on.</summary>
    public required string EnvId { get; init; }

    /// <summary>
    /// Algorithms in the order they are reported: a registered name (see <see cref="AlgorithmRegistry.Names"/>),
    /// trained with its preset, or a variant of it with settings over the preset in the env-id bracket syntax,
    /// <c>a2c[learning_rate=0.003,n_steps=16]</c> (rl-zoo keys, as <c>--set</c>), reported under that label.
    /// </summary>
    public required IReadOnlyList<string> Algorithms { get; init; }

    /// <summary>Seeds per algorithm (seeds 0 … Seeds − 1).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Env-step budget of every run (the same for all, so the curves share an x axis).</summary>
    public required long TotalTimesteps { get; init; }

    /// <summary>Deterministic evaluation every this many env steps during training, or null for none.</summary>
    public long? EvalEvery { get; init; }

    /// <summary>Episodes of each deterministic evaluation (periodic and final).</summary>
    public int EvalEpisodes { get; init; } = 10;

    /// <summary>Points of the common step grid the curves are aggregated on.</summary>
    public int GridPoints { get; init; } = 50;
}

/// <summary>One (timesteps, return) sample of a learning curve.</summary>
/// <param name="Timesteps">Env steps taken when the sample was recorded.</param>
/// <param name="Return">The return at that point.</param>
public readonly record struct CurvePoint(long Timesteps, double Return);

/// <summary>One training run of one algorithm with one seed.</summary>
/// <param name="Seed">Seed.</param>
/// <param name="Timesteps">Env steps actually taken (the last iteration may overshoot the budget).</param>
/// <param name="TrainingCurve">
/// Recent mean training return (last 100 episodes) after each iteration that had finished an episode
/// (the last iteration's overshoot past the budget is recorded at the budget).
/// </param>
/// <param name="EvaluationCurve">Mean deterministic evaluation return at each periodic evaluation (empty when none were asked for).</param>
/// <param name="FinalEvaluation">Deterministic evaluation of the final policy.</param>
/// <param name="StepsToThreshold">First step at which the recent mean reached the env's reward threshold, or null.</param>
/// <param name="WallTime">Training time, periodic evaluations excluded.</param>
public sealed record ComparisonSeedRun(
    int Seed,
    long Timesteps,
    IReadOnlyList<CurvePoint> TrainingCurve,
    IReadOnlyList<CurvePoint> EvaluationCurve,
    EvaluationResult FinalEvaluation,
    long? StepsToThreshold,
    TimeSpan WallTime);

/// <summary>All seeds of one algorithm, with their curves aggregated on the common grid.</summary>
/// <param name="Algorithm">Algorithm name (lower case).</param>
/// <param name="PresetSource">Where its hyperparameters come from.</param>
/// <param name="Runs">One entry per seed.</param>
/// <param name="TrainingCurve">Mean / std / min / max of the seeds' recent mean training return on the grid.</param>
/// <param name="EvaluationCurve">The same for the periodic evaluations, or null when none were run.</param>
public sealed record AlgorithmComparison(
    string Algorithm,
    string PresetSource,
    IReadOnlyList<ComparisonSeedRun> Runs,
    IReadOnlyList<AggregatePoint> TrainingCurve,
    IReadOnlyList<AggregatePoint>? EvaluationCurve)
{
    /// <summary>Mean over seeds of each seed's final deterministic evaluation return.</summary>
    public double FinalReturnMean => Runs.Average(r => r.FinalEvaluation.Mean);

    /// <summary>Population standard deviation over seeds of the final evaluation returns.</summary>
    public double FinalReturnStd => ComparisonCurves.PopulationStd(Runs.Select(r => r.FinalEvaluation.Mean).ToArray());

    /// <summary>Seeds whose recent mean reached the reward threshold.</summary>
    public int SeedsReachingThreshold => Runs.Count(r => r.StepsToThreshold is not null);

    /// <summary>Mean over the seeds that reached the threshold of the step at which they did, or null if none did.</summary>
    public double? MeanStepsToThreshold =>
        SeedsReachingThreshold == 0 ? null : Runs.Where(r => r.StepsToThreshold is not null).Average(r => (double)r.StepsToThreshold!.Value);

    /// <summary>Mean training wall time per seed.</summary>
    public TimeSpan MeanWallTime => TimeSpan.FromTicks((long)Runs.Average(r => r.WallTime.Ticks));
}

/// <summary>The outcome of <see cref="Comparison.Run"/>.</summary>
/// <param name="EnvId">Env id.</param>
/// <param name="RewardThreshold">The env's registered reward threshold, or null.</param>
/// <param name="TotalTimesteps">Budget of every run.</param>
/// <param name="Seeds">Seeds per algorithm.</param>
/// <param name="EvalEpisodes">Episodes per deterministic evaluation.</param>
/// <param name="Grid">The common step grid of the aggregated curves.</param>
/// <param name="Algorithms">One entry per algorithm, in the requested order.</param>
public sealed record ComparisonResult(
    string EnvId,
    double? RewardThreshold,
    long TotalTimesteps,
    int Seeds,
    int EvalEpisodes,
    IReadOnlyList<long> Grid,
    IReadOnlyList<AlgorithmComparison> Algorithms);

/// <summary>Reported after each finished run, for progress output.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="Index">1-based index of the run among all runs.</param>
/// <param name="Count">Number of runs.</param>
/// <param name="Run">The finished run.</param>
public sealed record ComparisonProgress(string Algorithm, int Index, int Count, ComparisonSeedRun Run);

/// <summary>
/// Trains several algorithms (any registered family) with their presets on one env for several seeds, in memory,
/// and collects their learning curves (return vs env steps), final deterministic returns, steps to
/// the env's reward threshold and wall times.
/// </summary>
public static class Comparison
{
    // Evaluation episodes start from seeds apart from the training seeds, so the final score is not
    // measured on the very start states the agent trained from first.
    private const int EvaluationSeedOffset = 10_000;

    /// <summary>
    /// Checks every setting of <paramref name="request"/> (algorithm names, env id, counts) and that each
    /// algorithm's preset fits the env, without training. Throws <see cref="ArgumentException"/> naming what is wrong.
    /// </summary>
    /// <returns>The env's spec.</returns>
    public static EnvSpec Validate(ComparisonRequest request, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        if (request.Algorithms is null || request.Algorithms.Count == 0)
        {
            throw new ArgumentException($"No algorithms given; expected a comma-separated list of: {string.Join(", ", AlgorithmRegistry.Names)}.", nameof(request));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string algorithm in request.Algorithms)
        {
            string name = Variant.Parse(algorithm).Name;
            if (!AlgorithmRegistry.Contains(name))
            {
                throw new ArgumentException($"Unknown algorithm '{name}'; expected one of: {string.Join(", ", AlgorithmRegistry.Names)}.", nameof(request));
            }

            if (!seen.Add(algorithm))
            {
                throw new ArgumentException($"Algorithm '{algorithm}' is listed twice; list each algorithm once.", nameof(request));
            }
        }

        if (request.Seeds <= 0)
        {
            throw new ArgumentException($"seeds = {request.Seeds} is invalid; expected a positive number of seeds.", nameof(request));
        }

        if (request.TotalTimesteps <= 0)
        {
            throw new ArgumentException($"timesteps = {request.TotalTimesteps} is invalid; expected a positive number of env steps.", nameof(request));
        }

        if (request.EvalEvery is <= 0)
        {
            throw new ArgumentException($"eval-every = {request.EvalEvery} is invalid; expected a positive number of env steps.", nameof(request));
        }

        if (request.EvalEpisodes <= 0)
        {
            throw new ArgumentException($"eval-episodes = {request.EvalEpisodes} is invalid; expected a positive number of episodes.", nameof(request));
        }

        if (request.GridPoints < 2)
        {
            throw new ArgumentException($"grid points = {request.GridPoints} is invalid; expected at least 2.", nameof(request));
        }

        EnvSpec spec = registry.GetSpec(request.EnvId);
        foreach (string algorithm in request.Algorithms)
        {
            // Building each learner once checks its settings and that its preset fits the env's spaces before hours of training start.
            using Learner learner = Learner.Create(algorithm, spec, seed: 0, registry);
        }

        return spec;
    }

    /// <summary>Validates <paramref name="request"/> (see <see cref="Validate"/>), then trains every algorithm for every seed, one run at a time.</summary>
    /// <param name="request">What to train.</param>
    /// <param name="registry">Where the env comes from.</param>
    /// <param name="progress">Called after each finished run.</param>
    public static ComparisonResult Run(ComparisonRequest request, EnvRegistry registry, Action<ComparisonProgress>? progress = null)
    {
        EnvSpec spec = Validate(request, registry);
        WarmUp(request, spec, registry);
        IReadOnlyList<long> grid = ComparisonCurves.Grid(request.TotalTimesteps, request.GridPoints);
        int count = request.Algorithms.Count * request.Seeds;
        int index = 0;
        var algorithms = new List<AlgorithmComparison>(request.Algorithms.Count);
        foreach (string requested in request.Algorithms)
        {
            Variant variant = Variant.Parse(requested);
            string algorithm = variant.Name.ToLowerInvariant() + requested[variant.Name.Length..];
            Preset<object> preset = AlgorithmRegistry.Get(variant.Name).GetPreset(spec.Id);
            var runs = new List<ComparisonSeedRun>(request.Seeds);
            for (int seed = 0; seed < request.Seeds; seed++)
            {
                ComparisonSeedRun run = RunSeed(algorithm, spec, seed, request, registry);
                runs.Add(run);
                progress?.Invoke(new ComparisonProgress(algorithm, ++index, count, run));
            }

            IReadOnlyList<AggregatePoint>? evaluationCurve = request.EvalEvery is null
                ? null
                : ComparisonCurves.Aggregate(runs.Select(r => r.EvaluationCurve).ToList(), grid);
            algorithms.Add(new AlgorithmComparison(
                algorithm,
                variant.Settings.Count == 0 ? preset.Source : $"{preset.Source}, with {string.Join(", ", variant.Settings.Select(kv => $"{kv.Key}={kv.Value}"))}",
                runs,
                ComparisonCurves.Aggregate(runs.Select(r => r.TrainingCurve).ToList(), grid),
                evaluationCurve));
        }

        return new ComparisonResult(spec.Id, spec.RewardThreshold, request.TotalTimesteps, request.Seeds, request.EvalEpisodes, grid, algorithms);
    }

    // The first run of each algorithm would otherwise also pay for JIT compilation and tiering, which makes
    // its wall time look worse than the others'; up to 20 throwaway iterations per algorithm pay most of it first.
    private static void WarmUp(ComparisonRequest request, EnvSpec spec, EnvRegistry registry)
    {
        const int warmUpIterations = 20;
        foreach (string algorithm in request.Algorithms)
        {
            using Learner learner = Learner.Create(algorithm, spec, seed: 0, registry);
            using var stop = new CancellationTokenSource();
            int iterations = 0;
            learner.Agent.Learn(request.TotalTimesteps, _ => { if (++iterations >= warmUpIterations) { stop.Cancel(); } }, stop.Token);
        }
    }

    private static ComparisonSeedRun RunSeed(string algorithm, EnvSpec spec, int seed, ComparisonRequest request, EnvRegistry registry)
    {
        var wallClock = Stopwatch.StartNew();
        var evaluationTime = new Stopwatch();
        using Learner learner = Learner.Create(algorithm, spec, seed, registry);
        ILearner agent = learner.Agent;
        var trainingCurve = new List<CurvePoint>();
        var evaluationCurve = new List<CurvePoint>();
        long? stepsToThreshold = null;
        long evalEvery = request.EvalEvery ?? long.MaxValue;
        long nextEvaluation = evalEvery;
        agent.Learn(
            request.TotalTimesteps,
            a =>
            {
                // The last rollout may overshoot the budget by less than one rollout; its samples count as at
                // the budget, so the last grid point shows every run's final state.
                long timesteps = Math.Min(a.NumTimesteps, request.TotalTimesteps);
                double recent = a.RecentMeanReturn;
                if (!double.IsNaN(recent))
                {
                    trainingCurve.Add(new CurvePoint(timesteps, recent));
                    if (stepsToThreshold is null && spec.RewardThreshold is double threshold && recent >= threshold)
                    {
                        stepsToThreshold = a.NumTimesteps;
                    }
                }

                if (a.NumTimesteps >= nextEvaluation)
                {
                    evaluationTime.Start();
                    evaluationCurve.Add(new CurvePoint(timesteps, Evaluate(a, spec, registry, request.EvalEpisodes, seed).Mean));
                    evaluationTime.Stop();
                    nextEvaluation = ((a.NumTimesteps / evalEvery) + 1) * evalEvery;
                }
            },
            CancellationToken.None);
        TimeSpan wallTime = wallClock.Elapsed - evaluationTime.Elapsed;
        EvaluationResult final = Evaluate(agent, spec, registry, request.EvalEpisodes, seed);
        return new ComparisonSeedRun(seed, agent.NumTimesteps, trainingCurve, evaluationCurve, final, stepsToThreshold, wallTime);
    }

    private static EvaluationResult Evaluate(ILearner agent, EnvSpec spec, EnvRegistry registry, int episodes, int seed)
    {
        // The learner's evaluation view freezes a copy of any observation normaliser, so evaluating mid-run leaves training untouched.
        using IEnv env = registry.Make(spec.Id);
        return Evaluation.Evaluate(agent.CreateEvaluationPolicy(), env, episodes, deterministic: true, seed: EvaluationSeedOffset + seed);
    }

    /// <summary>A learner built in memory (no files) with its preset, and what it owns.</summary>
    private sealed class Learner : IDisposable
    {
        private readonly LearnerContext _context;

        private Learner(ILearner agent, LearnerContext context)
        {
            Agent = agent;
            _context = context;
        }

        public ILearner Agent { get; }

        public static Learner Create(string algorithm, EnvSpec spec, int seed, EnvRegistry registry)
        {
            Variant variant = Variant.Parse(algorithm);
            AlgorithmDescriptor descriptor = AlgorithmRegistry.Get(variant.Name);
            object options = OptionsBinder.Apply(descriptor.GetPreset(spec.Id).Options, variant.Settings);
            var context = new LearnerContext(spec.Id, () => registry.Make(spec.Id), seed, new MetricsLogger(), parallel: false);
            try
            {
                return new Learner(descriptor.Create(context, options), context);
            }
            catch
            {
                context.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Agent.Dispose();
            _context.Dispose();
            _context.Logger.Dispose();
        }
    }

    /// <summary>An algorithm entry: its registered name and the settings it overrides in the preset.</summary>
    private readonly record struct Variant(string Name, IReadOnlyList<KeyValuePair<string, string>> Settings)
    {
        // The bracket syntax is the one env ids use for constructor options, so one parser reads both.
        public static Variant Parse(string entry)
        {
            (string name, IReadOnlyDictionary<string, object>? settings) = (entry, null);
            try
            {
                (name, settings) = EnvRegistry.SplitId(entry);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"Algorithm '{entry}' is malformed; expected a name or name[key=value,key=value], e.g. a2c[learning_rate=0.003].", nameof(entry));
            }

            return new Variant(name, settings is null ? [] : [.. settings.Select(kv => new KeyValuePair<string, string>(kv.Key, (string)kv.Value))]);
        }
    }
}
