using SharpRL.Envs.Wrappers;

namespace SharpRL.Cluster.Tests;

/// <summary>
/// Envs the fault tests run: CartPole whose every step also sleeps, so a rollout takes a known wall time
/// without using the shared cores. Loaded by the CLI processes of the tests with <c>--env-assembly</c>.
/// </summary>
public static class FaultTestEnvs
{
    /// <summary>CartPole-v1 with a 1 ms sleep per step.</summary>
    public const string SlowCartPole = "SlowCartPole-v0";

    private static readonly Lock Gate = new();

    /// <summary>Registers <see cref="SlowCartPole"/> (the hook <c>--env-assembly</c> calls).</summary>
    public static void RegisterEnvs(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        lock (Gate)
        {
            if (!registry.Contains(SlowCartPole))
            {
                registry.Register(SlowCartPole, () => new Sleepy(Gym.Make("CartPole-v1"), TimeSpan.FromMilliseconds(1)));
            }
        }
    }

    /// <summary>Sleeps <paramref name="delay"/> in every step of <paramref name="env"/>.</summary>
    public sealed class Sleepy(IEnv env, TimeSpan delay) : Wrapper(env)
    {
        /// <inheritdoc />
        public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            Thread.Sleep(delay);
            return base.Step(action, observation);
        }
    }
}
