using SharpRL.Algorithms;
using SharpRL.Algorithms.Impala;
using SharpRL.Environments;

namespace SharpRL.Tests.Algorithms.Impala;

/// <summary>
/// IMPALA learns CartPole-v1 with the preset's settings. The deterministic run (one actor on the learner's
/// thread) is reproducible: seed 0 reaches a recent mean return of about 494 after 150,000 steps (about 1 s
/// on an idle core); the threshold leaves room for float differences between machines. The asynchronous
/// run (two actor threads) is not reproducible, so its check is looser: the best recent mean over a run, in one
/// of up to four seeded runs.
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

    // The preset's whole budget (3e5 steps) per try. How stale the actors' weights get depends on how the two
    // actor threads are scheduled: on a loaded machine (CI runs test projects side by side) the policy lag
    // reaches 30-50 updates at times, and one run in several then learns slowly. Six loaded runs of seed 1
    // measured here reached best recent means 499, 497, 417, 500, 440 and 251; CI once saw 194. A single
    // run would make the check flaky, so it allows up to four seeded tries and stops at the first that
    // reaches 200. An async path that does not learn (wrong V-trace weights, chunks mixed between env
    // copies, weights never published) stays near a random policy's ~22 in every try and fails.
    [Fact]
    public void Async_CartPole_TwoActors_ReachReturn200WithinThePresetBudget_InOneOfFourSeededTries()
    {
        Preset<ImpalaOptions> preset = ImpalaPresets.For("CartPole-v1")!;
        ImpalaOptions options = preset.Options;
        Assert.Equal(2, options.NumActors);
        var bests = new List<string>();
        foreach (int seed in new[] { 1, 2, 3, 4 })
        {
            using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), options, seed);
            var learner = new ImpalaLearner(source, source.ObservationSpace, source.ActionSpace, options, seed);
            using var reached = new CancellationTokenSource();
            double best = double.NegativeInfinity;
            learner.Learn(preset.TotalTimesteps, l =>
            {
                if (!double.IsNaN(l.RecentMeanReturn)) best = Math.Max(best, l.RecentMeanReturn);
                if (best >= 200) reached.Cancel();
            }, reached.Token);
            if (best >= 200) return;
            Assert.True(learner.NumTimesteps >= preset.TotalTimesteps, $"try {seed} stopped at {learner.NumTimesteps} steps");
            bests.Add($"seed {seed}: {best:F1}");
        }
        Assert.Fail($"no try reached a recent mean return of 200 within {preset.TotalTimesteps} steps; best per try: {string.Join(", ", bests)}");
    }
}
