using System.Diagnostics;

namespace SharpRL.Environments;

/// <summary>Throughput of one env in <see cref="EnvBenchmark"/>.</summary>
/// <param name="Id">Env id.</param>
/// <param name="Steps">Steps timed.</param>
/// <param name="Episodes">Episodes finished during the timed steps.</param>
/// <param name="Seconds">Wall-clock time of the timed steps (resets included).</param>
/// <param name="CpuSeconds">Processor time the process used meanwhile: on a machine shared with other
/// work, this (not wall-clock time) shows what the env costs.</param>
public readonly record struct EnvBenchmarkResult(string Id, long Steps, long Episodes, double Seconds, double CpuSeconds)
{
    /// <summary>Steps per wall-clock second.</summary>
    public double StepsPerSecond => Steps / Seconds;

    /// <summary>Steps per second of processor time.</summary>
    public double StepsPerCpuSecond => Steps / CpuSeconds;
}

/// <summary>
/// Single-thread env throughput: steps an env through the <see cref="IEnv"/> interface with a fixed,
/// pre-drawn action sequence (so the policy costs nothing), resetting when an episode ends.
/// </summary>
public static class EnvBenchmark
{
    private const int ActionSequenceLength = 4096;

    /// <summary>The classic-control ids that <see cref="RunAll"/> measures.</summary>
    public static IReadOnlyList<string> ClassicControlIds { get; } =
        ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"];

    /// <summary>Measures every classic-control env.</summary>
    /// <param name="steps">Timed steps per env (after a warm-up of a tenth as many).</param>
    /// <param name="withTimeLimit">True measures the env as <c>Gym.Make</c> returns it (inside TimeLimit); false the bare env.</param>
    public static IReadOnlyList<EnvBenchmarkResult> RunAll(long steps = 2_000_000, bool withTimeLimit = true)
        => [.. ClassicControlIds.Select(id => Run(id, steps, withTimeLimit))];

    /// <summary>Measures one registered env.</summary>
    /// <param name="id">Env id.</param>
    /// <param name="steps">Timed steps (after a warm-up of a tenth as many).</param>
    /// <param name="withTimeLimit">True measures the env as <c>Gym.Make</c> returns it; false the bare env.</param>
    public static EnvBenchmarkResult Run(string id, long steps = 2_000_000, bool withTimeLimit = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        using IEnv made = Gym.Make(id);
        IEnv env = withTimeLimit || made is not Envs.Wrappers.Wrapper wrapper ? made : wrapper.Unwrapped;

        // Uniformly random actions from the action space, drawn once so that stepping is all we time.
        int actionSize = env.ActionSpace.FlatSize;
        var actions = new float[ActionSequenceLength * actionSize];
        var random = NumpyGenerator.Create(0);
        for (int i = 0; i < ActionSequenceLength; i++)
        {
            env.ActionSpace.Sample(actions.AsSpan(i * actionSize, actionSize), random);
        }

        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 0);
        Loop(env, actions, actionSize, observation, Math.Max(1, steps / 10));
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        long episodes = Loop(env, actions, actionSize, observation, steps);
        stopwatch.Stop();
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime - cpuBefore;
        return new EnvBenchmarkResult(id, steps, episodes, stopwatch.Elapsed.TotalSeconds, cpu.TotalSeconds);
    }

    private static long Loop(IEnv env, float[] actions, int actionSize, float[] observation, long steps)
    {
        long episodes = 0;
        int next = 0;
        for (long t = 0; t < steps; t++)
        {
            StepResult result = env.Step(actions.AsSpan(next * actionSize, actionSize), observation);
            next = (next + 1) & (ActionSequenceLength - 1);
            if (result.Done)
            {
                episodes++;
                env.Reset(observation);
            }
        }

        return episodes;
    }
}
