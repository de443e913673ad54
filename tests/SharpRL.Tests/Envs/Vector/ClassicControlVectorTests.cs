using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Rng;

namespace SharpRL.Tests.Envs.Vector;

public class ClassicControlVectorTests
{
    [Theory]
    [InlineData("CartPole-v1", 8, 3, 1500)]
    [InlineData("Pendulum-v1", 5, 2, 700)]
    [InlineData("MountainCarContinuous-v0", 4, 2, 1000)]
    public void ParallelStep_GymEnvs_BitIdenticalToSyncIncludingFinalObservations(string id, int n, int threads, int steps)
    {
        using var sync = new SyncVectorEnv(() => Gym.Make(id), n);
        using var parallel = new ParallelVectorEnv(() => Gym.Make(id), n, threads);
        int finished = Compare(sync, parallel, steps, seed: 2024);
        Assert.True(finished >= n, $"expected every copy to finish at least once; {finished} episodes ended");
    }

    [Fact]
    public void ParallelStep_NormalizedPendulumStack_BitIdenticalToSync()
    {
        const int n = 4;
        using IVectorEnv sync = new VectorNormalizeReward(new VectorNormalizeObservation(new SyncVectorEnv(() => Gym.Make("Pendulum-v1"), n)));
        using IVectorEnv parallel = new VectorNormalizeReward(new VectorNormalizeObservation(new ParallelVectorEnv(() => Gym.Make("Pendulum-v1"), n, 2)));
        int finished = Compare(sync, parallel, 450, seed: 9);
        Assert.Equal(2 * n, finished);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("Pendulum-v1")]
    public void EnvChecker_BuiltInClassicControlEnv_IsValid(string id)
    {
        using IEnv env = Gym.Make(id);
        EnvCheckResult result = EnvChecker.Check(env, seed: 3, maxSteps: 1000);
        Assert.True(result.IsValid, result.ToString());
        Assert.Empty(result.Warnings);
    }

    private static int Compare(IVectorEnv a, IVectorEnv b, int steps, int seed)
    {
        int n = a.NumEnvs;
        int obsSize = a.SingleObservationSpace.FlatSize;
        int actSize = a.SingleActionSpace.FlatSize;
        float[] obsA = new float[n * obsSize], obsB = new float[n * obsSize];
        double[] rewA = new double[n], rewB = new double[n];
        bool[] termA = new bool[n], termB = new bool[n], truncA = new bool[n], truncB = new bool[n];
        float[] actions = new float[n * actSize];
        NumpyGenerator random = NumpyGenerator.Create(seed);
        a.Reset(obsA, seed);
        b.Reset(obsB, seed);
        Assert.Equal(obsA, obsB);
        int finished = 0;
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                a.SingleActionSpace.Sample(actions.AsSpan(i * actSize, actSize), random);
            }

            a.Step(actions, obsA, rewA, termA, truncA);
            b.Step(actions, obsB, rewB, termB, truncB);
            Assert.Equal(obsA, obsB);
            Assert.Equal(rewA, rewB);
            Assert.Equal(termA, termB);
            Assert.Equal(truncA, truncB);
            Assert.Equal(a.CompletedEpisodes, b.CompletedEpisodes);
            for (int i = 0; i < n; i++)
            {
                if (termA[i] || truncA[i])
                {
                    Assert.True(a.FinalObservations.Slice(i * obsSize, obsSize).SequenceEqual(b.FinalObservations.Slice(i * obsSize, obsSize)));
                    finished++;
                }
            }
        }

        return finished;
    }
}
