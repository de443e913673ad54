using System.Diagnostics;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;

namespace SharpRL.Training;

/// <summary>Times one training run in memory (no files written) and reports where the time went.</summary>
public static class TrainingBenchmark
{
    /// <summary>Timing of a run.</summary>
    public sealed record Result(string Algorithm, string EnvId, long Timesteps, TimeSpan Total, TimeBreakdown Timing, double RecentMeanReturn);

    /// <summary>Trains <paramref name="algorithm"/> with its preset on <paramref name="envId"/> (seed 0) and times it.</summary>
    public static Result Run(string algorithm, string envId, long? timesteps, EnvRegistry registry, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(registry);
        EnvSpec spec = registry.GetSpec(envId);
        Preset preset = Presets.For(algorithm, envId);
        long budget = timesteps ?? preset.TotalTimesteps;
        var stopwatch = Stopwatch.StartNew();
        using IVectorEnv env = VectorEnvBuilder.Build(() => registry.Make(spec.Id), preset.Options, parallel: false);
        OnPolicyAlgorithm agent = AlgorithmRegistry.Create(algorithm, env, preset.Options, seed);
        agent.Learn(budget);
        stopwatch.Stop();
        return new Result(algorithm, spec.Id, agent.NumTimesteps, stopwatch.Elapsed, agent.Timing, agent.RecentMeanReturn);
    }
}
