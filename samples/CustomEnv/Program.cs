// A custom env in a few lines, checked, registered, and learned by PPO in seconds.
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Spaces;
using SharpRL.Training;

// Registered with a time limit, as gymnasium.make does: after 50 steps the episode is truncated, not terminated.
Gym.Registry.Register("ReachTarget-v0", () => new ReachTarget(), maxEpisodeSteps: 50);
using IEnv env = Gym.Make("ReachTarget-v0");
EnvCheckResult check = EnvChecker.Check(env);
Console.WriteLine($"EnvChecker: {check}");
check.ThrowIfInvalid();

var options = new PpoOptions { NumEnvs = 4, NumSteps = 256, BatchSize = 64 };
using IVectorEnv envs = VectorEnvBuilder.Build(() => Gym.Make("ReachTarget-v0"), options, parallel: false);
using var ppo = new Ppo(envs, options, seed: 0);
EvaluationResult before = Evaluation.Evaluate(ppo.Policy, env, episodes: 20);
var clock = System.Diagnostics.Stopwatch.StartNew();
ppo.Learn(totalTimesteps: 20_000);
EvaluationResult after = Evaluation.Evaluate(ppo.Policy, env, episodes: 20);
Console.WriteLine($"Return over 20 deterministic episodes: before {before.Mean:F2} ± {before.Std:F2} (mean length {before.Lengths.Average():F1})");
Console.WriteLine($"  after {ppo.NumTimesteps:N0} PPO steps ({clock.Elapsed.TotalSeconds:F1} s): {after.Mean:F2} ± {after.Std:F2} (mean length {after.Lengths.Average():F1})");

/// <summary>
/// A point x on [−1, 1] must reach a target g. Observation (x, g); action a velocity in [−1, 1];
/// reward −|g − x| per step. Reaching the target is a terminal state (terminated); running out of
/// time is not (truncated, by the registry's time limit), so learners bootstrap there.
/// </summary>
internal sealed class ReachTarget : IEnv
{
    private const float Speed = 0.1f;
    private const float Tolerance = 0.05f;
    private Random _random = new();
    private float _x;
    private float _target;
    private bool _needsReset = true;

    public Space ObservationSpace { get; } = new Box(-1f, 1f, 2);

    public Space ActionSpace { get; } = new Box(-1f, 1f, 1);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        // Same seed, same episode: the generator is re-created only when a seed is given.
        _random = seed is int s ? new Random(s) : _random;
        _x = (2 * _random.NextSingle()) - 1;
        _target = (2 * _random.NextSingle()) - 1;
        _needsReset = false;
        (observation[0], observation[1]) = (_x, _target);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_needsReset)
        {
            throw new InvalidOperationException("The episode has ended (or never started); call Reset first.");
        }

        if (!ActionSpace.Contains(action))
        {
            throw new ArgumentException($"action must be one value in [-1, 1]; got [{string.Join(", ", action.ToArray())}].", nameof(action));
        }

        _x = Math.Clamp(_x + (Speed * action[0]), -1f, 1f);
        float distance = Math.Abs(_target - _x);
        _needsReset = distance < Tolerance;
        (observation[0], observation[1]) = (_x, _target);
        return new StepResult(Reward: -distance, Terminated: distance < Tolerance, Truncated: false);
    }

    public void Dispose()
    {
    }
}
