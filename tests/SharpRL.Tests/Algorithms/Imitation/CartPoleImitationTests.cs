using SharpRL.Algorithms.Imitation;
using SharpRL.Datasets;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Training;
using Xunit.Abstractions;

namespace SharpRL.Tests.Algorithms.Imitation;

/// <summary>Behaviour cloning and DAgger from a PPO expert on CartPole-v1 (the expert is trained once for the class).</summary>
[Trait("Category", "Slow")]
public sealed class CartPoleImitationTests(CartPoleExpertFixture expert, ITestOutputHelper output) : IClassFixture<CartPoleExpertFixture>
{
    [Fact]
    public void Bc_TenExpertEpisodes_ClonedPolicyReaches475()
    {
        using IEnv env = Gym.Make("CartPole-v1");
        MinariDataset dataset = DatasetRecorder.Record(env, DatasetRecorder.FromPolicy(expert.Expert.Policy, deterministic: true, new Random(0)), episodes: 10, seed: 1000, "test/CartPole-v1-expert-v0", "ppo");
        Assert.True(dataset.MeanReturn >= 475, $"expert mean return {dataset.MeanReturn}");

        var bc = new BehaviorCloning(env.ObservationSpace, env.ActionSpace, new BehaviorCloningOptions(), seed: 0);
        BehaviorCloningResult fit = bc.Fit(TransitionSet.FromDataset(dataset));
        EvaluationResult evaluation = Evaluation.Evaluate(bc.Policy, env, episodes: 20, deterministic: true, seed: 5000);

        Assert.True(evaluation.Mean >= 475, $"BC from 10 expert episodes: mean eval return {evaluation.Mean} after {fit.Epochs} epochs (best {fit.BestEpoch}, val loss {fit.BestValidationLoss})");
    }

    [Fact]
    public void Dagger_ReachesTheExpertLevelWithFewerExpertLabelsThanBc()
    {
        // Both curves count expert labels: BC gets the first N (s, a) pairs of the expert's demonstrations,
        // DAgger starts from the first 25 and adds 25 learner-visited states labelled by the expert per
        // iteration (its whole budget, 10 iterations, is 275 labels: a small part of one 500-step episode).
        using IEnv env = Gym.Make("CartPole-v1");
        ActionFunction label = DatasetRecorder.FromPolicy(expert.Expert.Policy, deterministic: true, new Random(0));
        TransitionSet demonstrations = TransitionSet.FromDataset(DatasetRecorder.Record(env, label, episodes: 5, seed: 1000, "test/CartPole-v1-expert-v0"));
        TransitionSet First(int n) => new(demonstrations.ObservationSpace, demonstrations.ActionSpace, demonstrations.Observations[..(n * 4)], demonstrations.Actions[..n]);
        var options = new BehaviorCloningOptions();

        int? bcLabels = null;
        foreach (int n in new[] { 25, 50, 100, 200, 500, 1000, 2500 })
        {
            var bc = new BehaviorCloning(env.ObservationSpace, env.ActionSpace, options, seed: 0);
            bc.Fit(First(n));
            double mean = Evaluation.Evaluate(bc.Policy, env, episodes: 10, deterministic: true, seed: 2_000_000).Mean;
            output.WriteLine($"BC     labels {n,5}  eval {mean,6:F1}");
            if (mean >= 475)
            {
                bcLabels = n;
                break;
            }
        }

        var dagger = new Dagger(env, label, new DaggerOptions { Iterations = 10, StepsPerIteration = 25, EvaluationEpisodes = 10, BehaviorCloning = options }, seed: 0);
        IReadOnlyList<DaggerPoint> curve = dagger.Run(First(25), p => output.WriteLine($"DAgger labels {p.ExpertLabels,5}  eval {p.MeanReturn,6:F1}  (iteration {p.Iteration})"));
        int? daggerLabels = curve.FirstOrDefault(p => p.MeanReturn >= 475)?.ExpertLabels;

        Assert.True(bcLabels is not null, "BC did not reach 475 within 5 expert episodes (2500 labels).");
        Assert.True(daggerLabels is not null, $"DAgger did not reach 475: {string.Join(", ", curve.Select(p => $"{p.ExpertLabels}→{p.MeanReturn:F0}"))}");
        Assert.True(daggerLabels < bcLabels, $"DAgger needed {daggerLabels} expert labels, BC {bcLabels}.");
    }
}
