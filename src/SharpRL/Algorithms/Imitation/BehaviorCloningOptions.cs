namespace SharpRL.Algorithms.Imitation;

/// <summary>Which supervised loss behaviour cloning minimises.</summary>
public enum BehaviorCloningLoss
{
    /// <summary>−ln π(a|s): fits a stochastic policy (Categorical or Gaussian, σ included).</summary>
    NegativeLogLikelihood,

    /// <summary>‖μ(s) − a‖²: fits a deterministic policy's mean (Box actions only).</summary>
    MeanSquaredError,
}

/// <summary>Settings of <see cref="BehaviorCloning"/> (defaults in the range of the imitation library's BC).</summary>
public sealed record BehaviorCloningOptions
{
    /// <summary>The Minari dataset folder to learn from (the run layer's <c>--dataset</c>; unused by the library API, which takes the data directly).</summary>
    public string? Dataset { get; init; }

    /// <summary>Use only the first N episodes of the dataset (0 = all).</summary>
    public int DatasetEpisodes { get; init; }

    /// <summary>The loss.</summary>
    public BehaviorCloningLoss Loss { get; init; } = BehaviorCloningLoss.NegativeLogLikelihood;

    /// <summary>Network of the learned policy (the value network is built but not trained).</summary>
    public PolicyOptions Policy { get; init; } = new();

    /// <summary>Adam step size.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Upper bound on passes over the training split.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>Fraction of the pairs held out (at random) to measure the validation loss.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Stop after this many epochs without a lower validation loss; the best epoch's weights are kept.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Global gradient-norm clip, or 0 for none.</summary>
    public double MaxGradNorm { get; init; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning_rate must be positive.");
        }

        if (BatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch_size must be positive.");
        }

        if (MaxEpochs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, "max_epochs must be positive.");
        }

        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "validation_fraction must be in [0, 1).");
        }

        if (Patience <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "patience must be positive.");
        }

        if (DatasetEpisodes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DatasetEpisodes), DatasetEpisodes, "dataset_episodes must be ≥ 0 (0 = all).");
        }

        if (MaxGradNorm < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, "max_grad_norm must be ≥ 0 (0 = no clipping).");
        }
    }
}
