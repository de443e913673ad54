namespace SharpRL.Cluster.Tests;

/// <summary>Observation and reward normalisation across worker silos: the delta and merge formulas, and runs through the cluster.</summary>
public class ClusterStatisticsTests
{
    [Fact]
    public void DeltaAndMerge_OnConstructedBatches_GiveTheMomentsOfThePartsAndOfTheWhole()
    {
        // A: 50 rows with a large offset (|μ| ≫ σ, where naive formulas lose digits), B: 37 rows of another scale.
        var random = new Random(7);
        double[] a = [.. Enumerable.Range(0, 50 * 3).Select(i => 1000.0 + (i % 3) + random.NextDouble())];
        double[] b = [.. Enumerable.Range(0, 37 * 3).Select(i => (5.0 * random.NextDouble()) - (i % 3))];
        var running = new RunningMeanStd(3);
        running.Update(a.AsSpan(0, 20 * 3));
        running.Update(a.AsSpan(20 * 3));
        Moments before = Moments.From(running.GetState());
        for (int row = 0; row < 37; row++)
        {
            running.Update(b.AsSpan(row * 3, 3));
        }

        Moments after = Moments.From(running.GetState());
        Moments delta = ClusterNormalization.Delta(before, after);
        Assert.Equal(37, delta.Count);
        (double[] meanB, double[] varianceB) = TwoPass(b, 3);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(meanB[j], delta.Mean[j], 1e-9);
            Assert.Equal(varianceB[j], delta.Variance[j], 1e-7);
        }

        // Merging the moments of the two parts gives those of all 87 rows, and the running statistics' own.
        (double[] meanA, double[] varianceA) = TwoPass(a, 3);
        Moments merged = ClusterNormalization.Merge(new Moments { Count = 50, Mean = meanA, Variance = varianceA }, delta);
        (double[] mean, double[] variance) = TwoPass([.. a, .. b], 3);
        Assert.Equal(87, merged.Count);
        Moments running87 = ClusterNormalization.Merge(before, delta);
        Assert.Equal(after.Count, running87.Count, 1e-12);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(mean[j], merged.Mean[j], 1e-9);
            Assert.Equal(variance[j], merged.Variance[j], 1e-7);
            Assert.Equal(after.Mean[j], running87.Mean[j], 1e-9);
            Assert.Equal(after.Variance[j], running87.Variance[j], 1e-7);
        }

        // An empty delta changes nothing.
        Moments unchanged = ClusterNormalization.Merge(merged, ClusterNormalization.Delta(merged, merged));
        Assert.Equal(merged.Mean, unchanged.Mean);
        Assert.Equal(merged.Count, unchanged.Count);
    }

    [Fact]
    public void Validate_MalformedDelta_NamesWhatIsWrong()
    {
        var settings = new NormalizationSettings { Observations = true, ObservationClip = 10, ObservationEpsilon = 1e-8, Rewards = true, Gamma = 0.99, RewardClip = 10, RewardEpsilon = 1e-8 };
        NormalizerStatistics Good() => new()
        {
            Observations = new Moments { Count = 10, Mean = [0, 1], Variance = [1, 2] },
            Returns = new Moments { Count = 8, Mean = [0.5], Variance = [3] },
        };
        Assert.Null(ClusterNormalization.Validate(settings, Good(), 2, 12));
        Assert.Contains("return statistics missing", ClusterNormalization.Validate(settings, new NormalizerStatistics { Observations = Good().Observations }, 2, 12), StringComparison.Ordinal);
        NormalizerStatistics wrongSize = Good();
        wrongSize.Observations!.Mean = [0, 1, 2];
        Assert.Contains("of 3 and 2 components, expected 2", ClusterNormalization.Validate(settings, wrongSize, 2, 12), StringComparison.Ordinal);
        NormalizerStatistics tooMany = Good();
        tooMany.Returns!.Count = 13;
        Assert.Contains("over 13 samples, expected a whole number from 0 to 12", ClusterNormalization.Validate(settings, tooMany, 2, 12), StringComparison.Ordinal);
        NormalizerStatistics notFinite = Good();
        notFinite.Observations!.Variance = [1, double.NaN];
        Assert.Contains("component 1 has mean 1 and variance NaN", ClusterNormalization.Validate(settings, notFinite, 2, 12), StringComparison.Ordinal);
        Assert.Contains("for a run that does not normalise", ClusterNormalization.Validate(null, Good(), 2, 12), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneWorker_WithNormalisation_FirstRolloutEqualsOneProcessAndStatisticsCountEverySample()
    {
        // One worker holding all copies makes the first rollout exactly as one process does (same statistics
        // updated in the same order); the learner's merged statistics then equal the process's to rounding,
        // and count every reset and step observation of every copy.
        OnPolicyOptions options = Options();
        using var singleEnv = VectorEnvBuilder.Build(() => Gym.Make("Pendulum-v1"), options, parallel: false);
        using OnPolicyAlgorithm single = AlgorithmRegistry.Create("ppo", singleEnv, options, 5);
        single.Learn(options.NumEnvs * options.NumSteps);

        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2, new RolloutWorker(id => Gym.Make(id)));
        try
        {
            using var env = VectorEnvBuilder.Build(() => Gym.Make("Pendulum-v1"), options, parallel: false);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 5);
            agent.RolloutSource = new ClusterRolloutSource(learner.Services, agent, "ppo", "Pendulum-v1", 1) { JoinTimeout = TimeSpan.FromSeconds(30) };
            agent.Learn(options.NumEnvs * options.NumSteps);
            Assert.Equal(single.Buffer.Observations, agent.Buffer.Observations);
            Assert.Equal(single.Buffer.Rewards, agent.Buffer.Rewards);
            RunningMeanStd expected = VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(singleEnv)!.ObservationStatistics;
            RunningMeanStd merged = VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env)!.ObservationStatistics;
            Assert.Equal(RunningMeanStd.InitialCount + (options.NumEnvs * (options.NumSteps + 1)), merged.Count, 1e-9);
            for (int j = 0; j < merged.Size; j++)
            {
                Assert.Equal(expected.Mean[j], merged.Mean[j], 1e-10);
                Assert.Equal(expected.Variance[j], merged.Variance[j], 1e-9);
            }

            RunningMeanStd returns = VectorEnvBuilder.FindLayer<VectorNormalizeReward>(env)!.RewardStatistics;
            Assert.Equal(VectorEnvBuilder.FindLayer<VectorNormalizeReward>(singleEnv)!.RewardStatistics.Variance[0], returns.Variance[0], 1e-9);
        }
        finally
        {
            await worker.StopAsync();
            await learner.StopAsync();
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task TwoWorkers_WithNormalisation_MergeEveryWorkersSamplesAndLearnCartPole()
    {
        // CartPole-v1 with the PPO preset's settings plus both normalisers, 2 workers × 4 copies, seed 0,
        // 3e4 steps: the merged statistics count every sample of both workers, and the policy learns.
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"),
        [
            new("n_envs", "8"), new("n_steps", "32"), new("batch_size", "256"), new("gae_lambda", "0.8"), new("gamma", "0.98"),
            new("n_epochs", "20"), new("ent_coef", "0"), new("learning_rate", "lin_1e-3"), new("clip_range", "lin_0.2"),
            new("normalize_observations", "true"), new("normalize_rewards", "true"),
        ]);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker0 = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2, new RolloutWorker(id => Gym.Make(id)));
        using IHost worker1 = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 4, new RolloutWorker(id => Gym.Make(id)));
        try
        {
            using var env = VectorEnvBuilder.Build(() => Gym.Make("CartPole-v1"), options, parallel: false);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 0);
            agent.RolloutSource = new ClusterRolloutSource(learner.Services, agent, "ppo", "CartPole-v1", 2) { JoinTimeout = TimeSpan.FromSeconds(30) };
            const long Budget = 30_720;
            agent.Learn(Budget);
            RunningMeanStd merged = VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env)!.ObservationStatistics;
            Assert.Equal(RunningMeanStd.InitialCount + options.NumEnvs + Budget, merged.Count, 1e-6);
            Assert.Equal(RunningMeanStd.InitialCount + Budget, VectorEnvBuilder.FindLayer<VectorNormalizeReward>(env)!.RewardStatistics.Count, 1e-6);
            Assert.True(agent.RecentMeanReturn > 150, $"recent mean return {agent.RecentMeanReturn:F1} after {Budget} steps; expected > 150 (random ≈ 22; seed 0 gave 270)");
        }
        finally
        {
            await worker1.StopAsync();
            await worker0.StopAsync();
            await learner.StopAsync();
        }
    }

    private static OnPolicyOptions Options() =>
        OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"),
        [
            new("n_envs", "3"), new("n_steps", "32"), new("batch_size", "48"), new("n_epochs", "2"),
            new("normalize_observations", "true"), new("normalize_rewards", "true"),
        ]);

    private static (double[] Mean, double[] Variance) TwoPass(double[] rows, int size)
    {
        int n = rows.Length / size;
        double[] mean = new double[size], variance = new double[size];
        for (int i = 0; i < rows.Length; i++)
        {
            mean[i % size] += rows[i] / n;
        }

        for (int i = 0; i < rows.Length; i++)
        {
            double d = rows[i] - mean[i % size];
            variance[i % size] += d * d / n;
        }

        return (mean, variance);
    }
}
