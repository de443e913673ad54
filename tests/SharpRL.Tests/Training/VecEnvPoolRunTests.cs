using System.Text.Json.Nodes;
using SharpRL.Algorithms.Common;
using SharpRL.Environments;
using SharpRL.Envs.Vector;
using SharpRL.Nn;
using SharpRL.Training;

namespace SharpRL.Tests.Training;

/// <summary>`sharprl train --vec-env pool`: the on-policy copies step in a synchronous EnvPool, with SyncVectorEnv's results.</summary>
public sealed class VecEnvPoolRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-pool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void Pool_TrainsToTheSameWeightsAsOneThread_AndTheConfigSaysSo(string envId)
    {
        // Pendulum's preset normalises observations and rewards, so the normalisers run on top of the pool too.
        (byte[] sync, JsonObject syncConfig) = Train(envId, pool: false);
        (byte[] pooled, JsonObject poolConfig) = Train(envId, pool: true);
        Assert.Equal(sync, pooled);
        Assert.Null(syncConfig["pool"]);
        Assert.True(poolConfig["pool"]!.GetValue<bool>());
    }

    [Fact]
    public void Pool_WithParallelOrAnOffPolicyAlgorithm_IsRefusedBeforeTheFolderExists()
    {
        string a = Path.Combine(_root, "both");
        ArgumentException both = Assert.Throws<ArgumentException>(() => TrainingRun.Start(new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", OutputDirectory = a, Pool = true, Parallel = true }, Gym.Registry));
        Assert.Contains("--parallel and --vec-env pool", both.Message, StringComparison.Ordinal);
        string b = Path.Combine(_root, "sac");
        ArgumentException sac = Assert.Throws<ArgumentException>(() => TrainingRun.Start(new TrainRequest { Algorithm = "sac", EnvId = "Pendulum-v1", OutputDirectory = b, Pool = true }, Gym.Registry));
        Assert.Contains("on-policy algorithms", sac.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(a) || Directory.Exists(b));
    }

    private (byte[] Weights, JsonObject Config) Train(string envId, bool pool)
    {
        string directory = Path.Combine(_root, $"{envId}-{pool}");
        using TrainingRun run = TrainingRun.Start(
            new TrainRequest { Algorithm = "ppo", EnvId = envId, Seed = 4, TotalTimesteps = 2048, OutputDirectory = directory, Pool = pool, Settings = [new("n_steps", "128"), new("batch_size", "64"), new("n_epochs", "2")] },
            Gym.Registry);
        var agent = (OnPolicyAlgorithm)run.Agent;
        Assert.Equal(pool, VectorEnvBuilder.FindLayer<EnvPool>(agent.Env) is not null);
        run.Learn();
        var parameters = new ParameterVector<float>(agent.Policy.Parameters);
        float[] values = new float[parameters.Count];
        parameters.CopyValuesTo(values);
        return (System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "config.json")))!.AsObject());
    }
}
