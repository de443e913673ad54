using SharpRL.Envs;
using SharpRL.Spaces;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>
/// Observation [k / 10] where k counts the steps of the episode (0 after reset), reward 1, one action
/// in [−2, 2] that changes nothing; terminates at step <paramref name="terminateAt"/> (if positive)
/// and is truncated at step <paramref name="timeLimit"/>. The final observation (k = limit) never
/// equals the reset observation (k = 0), so a buffer that stores the wrong s' is caught.
/// </summary>
internal sealed class StepCountEnv(int timeLimit, int terminateAt = 0) : IEnv
{
    private int _k;

    public Space ObservationSpace { get; } = new Box(0, 1000, 1);

    public Space ActionSpace { get; } = new Box(-2, 2, 1);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _k = 0;
        observation[0] = 0;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _k++;
        observation[0] = _k / 10f;
        bool terminated = terminateAt > 0 && _k == terminateAt;
        return new StepResult(1.0, terminated, !terminated && _k == timeLimit);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// One observation [1] forever, reward 1 whatever the action, truncated (never terminated) every
/// <paramref name="timeLimit"/> steps. Because the time limit is not part of the state, the true
/// Q(s, a) is the infinite-horizon 1/(1 − γ); treating the cut as terminal instead gives the fixed
/// point Q = 1/(1 − γ(1 − 1/T)) of the averaged target.
/// </summary>
internal sealed class ConstantRewardEnv(int timeLimit) : IEnv
{
    private int _k;

    public Space ObservationSpace { get; } = new Box(-1, 1, 1);

    public Space ActionSpace { get; } = new Box(-1, 1, 1);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _k = 0;
        observation[0] = 1;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _k++;
        observation[0] = 1;
        return new StepResult(1.0, false, _k == timeLimit);
    }

    public void Dispose()
    {
    }
}
