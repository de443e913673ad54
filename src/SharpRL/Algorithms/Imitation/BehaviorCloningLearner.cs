using SharpRL.Datasets;

namespace SharpRL.Algorithms.Imitation;

/// <summary>
/// Behaviour cloning under the run layer (<c>sharprl train bc &lt;env&gt; --dataset &lt;dir&gt;</c>): the dataset
/// is loaded and checked against the env's spaces, progress counts gradient steps, one iteration is one
/// epoch, and the run ends at the budget or when early stopping ends the fit (the final model then holds
/// the best epoch's weights). The policy saves, evaluates and exports like any actor-critic policy.
/// </summary>
public sealed class BehaviorCloningLearner : ILearner
{
    private readonly BehaviorCloning _bc;
    private readonly IEnv _env;
    private TimeSpan _training;

    /// <summary>Loads <see cref="BehaviorCloningOptions.Dataset"/> and prepares the fit for <paramref name="env"/>.</summary>
    public BehaviorCloningLearner(IEnv env, BehaviorCloningOptions options, int seed, MetricsLogger? logger)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        ArgumentNullException.ThrowIfNull(options);
        string path = options.Dataset ?? throw new ArgumentException("bc learns from a dataset: pass --dataset <dir> (a Minari dataset, e.g. from `sharprl record`).", nameof(options));
        MinariDataset dataset = MinariDataset.Load(path);
        dataset.RequireSpaces(env);
        Data = TransitionSet.FromDataset(dataset, options.DatasetEpisodes > 0 ? options.DatasetEpisodes : null);
        _bc = new BehaviorCloning(env.ObservationSpace, env.ActionSpace, options, seed, logger) { LogStep = () => NumTimesteps };
        _bc.Begin(Data);
    }

    /// <summary>The run-layer descriptor of "bc".</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new AlgorithmDescriptor<BehaviorCloningOptions>(
        "bc",
        "Behaviour cloning from a Minari dataset (NLL or squared loss, early stopping)",
        AlgorithmFamily.FromData,
        new BehaviorCloningOptions(),
        factory: (context, options) => new BehaviorCloningLearner(context.Own(context.MakeEnv()), options, context.Seed, context.Logger),
        policyLoader: (checkpoint, options, makeEnv) => LoadActingPolicy(checkpoint, options, makeEnv))
    {
        ValidateOptions = options => options.Validate(),
        DefaultBudget = 1_000_000,
    };

    /// <summary>The (s, a) pairs being fitted.</summary>
    public TransitionSet Data { get; }

    /// <summary>The behaviour-cloning fit.</summary>
    public BehaviorCloning Fit => _bc;

    /// <inheritdoc />
    public long NumTimesteps => _bc.GradientSteps;

    /// <inheritdoc />
    public double RecentMeanReturn => double.NaN;

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> TimeByPhase => [new("update", _training)];

    /// <inheritdoc />
    public bool Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (NumTimesteps < totalTimesteps && !_bc.Stopped)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                _bc.Epoch();
                afterIteration?.Invoke(this);
            }

            // The fit is over (budget or early stopping): the final model holds the best epoch's weights.
            _bc.Finish();
            return true;
        }
        finally
        {
            _training += stopwatch.Elapsed;
        }
    }

    /// <inheritdoc />
    public void SaveState(LearnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        PolicyCheckpoint.SavePolicy(state, _bc.Policy);
        state.Tensors.Add(SafeTensor.Create<float>("bc.best_parameters", _bc.BestParameters, _bc.BestParameters.Length));
        PolicyCheckpoint.SaveOptimizer(state, "policy", _bc.Optimizer);

        state.Counters["num_timesteps"] = NumTimesteps;
        state.Counters["bc.epochs"] = _bc.Epochs;
        state.Counters["bc.total_epochs"] = _bc.TotalEpochs;
        state.Counters["bc.best_epoch"] = _bc.BestEpoch;
        state.Counters["bc.stopped"] = _bc.Stopped ? 1 : 0;
        state.Counters["bc.stopped_early"] = _bc.StoppedEarly ? 1 : 0;
        state.Extra["rng_state"] = _bc.Random.SaveState();
        state.Extra["bc_best_loss"] = double.IsFinite(_bc.BestLoss) ? _bc.BestLoss : null;
        state.Extra["bc_train_losses"] = new JsonArray([.. _bc.TrainLosses.Select(x => (JsonNode)JsonValue.Create(x))]);
        state.Extra["bc_validation_losses"] = new JsonArray([.. _bc.ValidationLosses.Select(x => (JsonNode)JsonValue.Create(x))]);
    }

    /// <inheritdoc />
    public bool LoadState(CheckpointData checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        PolicyCheckpoint.LoadPolicy(checkpoint, _bc.Policy);
        checkpoint.CopyTensorTo<float>("bc.best_parameters", _bc.BestParameters, [_bc.BestParameters.Length]);
        PolicyCheckpoint.LoadOptimizer(checkpoint, "policy", _bc.Optimizer);
        string rng = checkpoint.Extra["rng_state"] is JsonValue r && r.TryGetValue(out string? text) ? text : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} lacks the string 'rng_state' of a bc run.");
        _bc.Random.RestoreState(rng);
        double bestLoss = checkpoint.Extra["bc_best_loss"] is JsonValue b && b.TryGetValue(out double loss) ? loss : double.PositiveInfinity;
        _bc.RestoreProgress(
            (int)checkpoint.GetCounter("bc.epochs"),
            (int)checkpoint.GetCounter("bc.best_epoch"),
            bestLoss,
            checkpoint.GetCounter("bc.stopped") != 0,
            checkpoint.GetCounter("bc.stopped_early") != 0,
            checkpoint.GetCounter("num_timesteps"),
            (int)checkpoint.GetCounter("bc.total_epochs"),
            ReadLosses(checkpoint, "bc_train_losses"),
            ReadLosses(checkpoint, "bc_validation_losses"));
        return true;
    }

    /// <inheritdoc />
    public IActingPolicy CreateEvaluationPolicy() => new ActorCriticActingPolicy(_bc.Policy, _env.ObservationSpace, null);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Rebuilds a bc run's policy from its checkpoint, for <c>sharprl eval</c>.</summary>
    public static IActingPolicy LoadActingPolicy(CheckpointData checkpoint, BehaviorCloningOptions options, Func<IEnv> makeEnv)
    {
        ArgumentNullException.ThrowIfNull(options);
        return PolicyCheckpoint.LoadActingPolicy(checkpoint, options.Policy, makeEnv);
    }

    private static double[] ReadLosses(CheckpointData checkpoint, string key) =>
        checkpoint.Extra[key] is JsonArray array
            ? [.. array.Select(n => n is JsonValue v && v.TryGetValue(out double x) ? x : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath}: {key} holds a non-number."))]
            : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} lacks the list '{key}' of a bc run.");
}
