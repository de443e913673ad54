using SharpRL.Algorithms.OffPolicy;

namespace SharpRL.Experiments;

/// <summary>Times one training run in memory (no files written) and reports where the time went.</summary>
public static class TrainingBenchmark
{
    /// <summary>Timing of a run.</summary>
    /// <param name="Algorithm">Algorithm name.</param>
    /// <param name="EnvId">Env id.</param>
    /// <param name="Timesteps">Steps taken.</param>
    /// <param name="Total">Wall time, construction included.</param>
    /// <param name="Timing">The learner's time per phase.</param>
    /// <param name="RecentMeanReturn">Mean return of the recent training episodes.</param>
    /// <param name="Updates">Gradient steps taken (off-policy learners; 0 otherwise).</param>
    /// <param name="FlopsPerUpdate">Matrix-product flops of one gradient step (off-policy learners; 0 otherwise).</param>
    /// <param name="UpdateGflops">GFLOP/s of those products over the time spent in the updates (NaN when not known).</param>
    public sealed record Result(string Algorithm, string EnvId, long Timesteps, TimeSpan Total, IReadOnlyList<KeyValuePair<string, TimeSpan>> Timing, double RecentMeanReturn, long Updates = 0, double FlopsPerUpdate = 0, double UpdateGflops = double.NaN);

    /// <summary>Trains <paramref name="algorithm"/> with its preset on <paramref name="envId"/> (seed 0) and times it.</summary>
    public static Result Run(string algorithm, string envId, long? timesteps, EnvRegistry registry, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(registry);
        EnvSpec spec = registry.GetSpec(envId);
        AlgorithmDescriptor descriptor = AlgorithmRegistry.Get(algorithm);
        Preset<object> preset = descriptor.GetPreset(spec.Id);
        long budget = timesteps ?? preset.TotalTimesteps;
        var stopwatch = Stopwatch.StartNew();
        using var logger = new MetricsLogger();
        using var context = new LearnerContext(spec.Id, () => registry.Make(spec.Id), seed, logger, parallel: false);
        using ILearner agent = descriptor.Create(context, preset.Options);
        agent.Learn(budget, afterIteration: null, CancellationToken.None);
        stopwatch.Stop();
        if (agent is OffPolicyAlgorithm offPolicy)
        {
            return new Result(descriptor.Name, spec.Id, agent.NumTimesteps, stopwatch.Elapsed, agent.TimeByPhase, agent.RecentMeanReturn, offPolicy.NumUpdates, offPolicy.FlopsPerUpdate, offPolicy.UpdateGflops);
        }

        return new Result(descriptor.Name, spec.Id, agent.NumTimesteps, stopwatch.Elapsed, agent.TimeByPhase, agent.RecentMeanReturn);
    }
}
