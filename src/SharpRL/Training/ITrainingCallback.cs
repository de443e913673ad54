namespace SharpRL.Training;

/// <summary>
/// A hook into a <see cref="TrainingRun"/>, called after every iteration of the learner (as Stable-Baselines3's
/// callbacks are after every step): periodic evaluation, keeping the best model, early stopping.
/// Its state is kept in every checkpoint of the run, so a resumed run's callbacks continue where they were.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Key of this callback's state in a checkpoint (unique within a run).</summary>
    string Name { get; }

    /// <summary>Called after each iteration, before the periodic checkpoint of that iteration is written.</summary>
    /// <param name="run">The run (its learner, folder and env factory).</param>
    /// <returns>Null to continue; otherwise why training stops now (the run then ends like a completed one and writes its final model).</returns>
    string? AfterIteration(TrainingRun run);

    /// <summary>The state a resumed run needs.</summary>
    JsonObject SaveState();

    /// <summary>Restores <see cref="SaveState"/>'s output; <paramref name="source"/> names the checkpoint in errors.</summary>
    void LoadState(JsonObject state, string source);
}
