using SharpRL.Algorithms;
using SharpRL.Algorithms.Impala;
using SharpRL.Environments;

namespace SharpRL.Tests.Algorithms.Impala;

/// <summary>
/// IMPALA learns CartPole-v1 with the preset's settings. The deterministic run (one actor on the learner's
/// thread) is reproducible: seed 0 reaches a recent mean return of about 494 after 150,000 steps (about 1 s
/// on an idle core); the threshold leaves room for float differences between machines. The asynchronous
/// run (two actor threads) is not reproducible, so its check is looser: the best recent mean over the run.
/// </summary>
public class ImpalaLearningTests
{
    [Fact]
    public void Deterministic_CartPole_Seed0_ReachesReturn300Within150kSteps()
    {
        ImpalaOptions options = ImpalaPresets.For("CartPole-v1")!.Options with { Deterministic = true, NumActors = 1, NumEnvs = 8 };
        using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), options, seed: 0);
        var learner = new ImpalaLearner(source, source.ObservationSpace, source.ActionSpace, options, seed: 0);
        Assert.True(learner.Learn(150_000));
        Assert.True(learner.RecentMeanReturn >= 300, $"recent mean return {learner.RecentMeanReturn:F1} after {learner.NumTimesteps} steps; expected ≥ 300");
    }

    // The preset's whole budget (3e5 steps): how stale the actors' weights get depends on how the two actor
    // threads are scheduled, and on a loaded machine (CI runs test projects side by side) the best recent mean
    // after 2e5 steps once stopped at 174.
    [Fact]
    public void Async_CartPole_TwoActors_ReachReturn200WithinThePresetBudget()
    {
        Preset<ImpalaOptions> preset = ImpalaPresets.For("CartPole-v1")!;
        ImpalaOptions options = preset.Options;
        using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), options, seed: 1);
        var learner = new ImpalaLearner(source, source.ObservationSpace, source.ActionSpace, options, seed: 1);
        double best = double.NegativeInfinity;
        Assert.True(learner.Learn(preset.TotalTimesteps, l => best = Math.Max(best, double.IsNaN(l.RecentMeanReturn) ? best : l.RecentMeanReturn)));
        Assert.True(best >= 200, $"best recent mean return {best:F1} within {learner.NumTimesteps} steps; expected ≥ 200");
    }
}
