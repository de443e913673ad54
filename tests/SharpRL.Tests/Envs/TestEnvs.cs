using SharpRL.Envs;
using SharpRL.Spaces;

namespace SharpRL.Tests.Envs;

/// <summary>
/// Episodes of a fixed length L: observation [t, episode index, seed passed to the latest Reset or −1];
/// reward t + action at step t (t = 1..L); the episode terminates (or truncates) at t = L.
/// Rejects actions outside [−1, 1] and steps after the end.
/// </summary>
internal sealed class CountingEnv(int episodeLength, bool truncates = false) : IEnv
{
    private int _t;
    private int _episode = -1;
    private int _seed = -1;
    private bool _needsReset = true;

    public Space ObservationSpace { get; } = new Box(-1, 1_000_000, 3);

    public Space ActionSpace { get; } = new Box(-1, 1, 1);

    public EnvSpec? Spec => null;

    public int ResetCount { get; private set; }

    public bool Disposed { get; private set; }

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _seed = seed ?? -1;
        ResetCount++;
        _t = 0;
        _episode++;
        _needsReset = false;
        Write(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_needsReset)
        {
            throw new InvalidOperationException("Step after the episode ended; call Reset.");
        }

        if (!ActionSpace.Contains(action))
        {
            throw new ArgumentException($"action must be one float in [-1, 1]; got {action.Length} floats.", nameof(action));
        }

        _t++;
        Write(observation);
        bool done = _t == episodeLength;
        _needsReset = done;
        return new StepResult(_t + action[0], Terminated: done && !truncates, Truncated: done && truncates);
    }

    public void Dispose() => Disposed = true;

    private void Write(Span<float> observation)
    {
        observation[0] = _t;
        observation[1] = _episode;
        observation[2] = _seed;
    }
}

/// <summary>
/// A seeded random env: episode lengths, rewards and observations come from the env's own
/// generator (System.Random with the reset seed), so equal seeds give equal trajectories.
/// Optionally spins <c>spinIterations</c> per step to mimic physics work.
/// </summary>
internal sealed class RandomWalkEnv(int spinIterations = 0) : IEnv
{
    private Random _random = new(0);
    private readonly float[] _state = new float[4];
    private int _stepsLeft;
    private bool _needsReset = true;

    public Space ObservationSpace { get; } = new Box(-1000, 1000, 4);

    public Space ActionSpace { get; } = new Box(-1, 1, 2);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        if (seed is int s)
        {
            _random = new Random(s);
        }

        for (int j = 0; j < _state.Length; j++)
        {
            _state[j] = (float)(_random.NextDouble() - 0.5);
        }

        _stepsLeft = _random.Next(1, 30);
        _needsReset = false;
        _state.CopyTo(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_needsReset)
        {
            throw new InvalidOperationException("Step after the episode ended; call Reset.");
        }

        if (!ActionSpace.Contains(action))
        {
            throw new ArgumentException("action must be two floats in [-1, 1].", nameof(action));
        }

        double spin = 0;
        for (int k = 0; k < spinIterations; k++)
        {
            spin += Math.Sqrt(k);
        }

        for (int j = 0; j < _state.Length; j++)
        {
            _state[j] += (float)(0.1 * action[j % 2] + (0.05 * (_random.NextDouble() - 0.5)) + (spin * 1e-30));
        }

        _state.CopyTo(observation);
        _stepsLeft--;
        bool done = _stepsLeft == 0;
        bool terminated = done && _random.Next(2) == 0;
        _needsReset = done;
        return new StepResult(_state[0] + _random.NextDouble(), terminated, done && !terminated);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Plays a fixed reward sequence: step k (counting over all episodes, from 0) returns
/// <c>rewards[k]</c> and observation [k, 3·sin k]; episode e lasts <c>episodeLengths[e % count]</c>
/// steps and ends terminated when e is even, truncated when odd. The reset observation is [−k, 0].
/// </summary>
internal sealed class ScriptedEnv(IReadOnlyList<double> rewards, IReadOnlyList<int> episodeLengths) : IEnv
{
    private int _k;
    private int _episode = -1;
    private int _t;

    public Space ObservationSpace { get; } = new Box(-1e6f, 1e6f, 2);

    public Space ActionSpace { get; } = new Box(-1, 1, 1);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _episode++;
        _t = 0;
        observation[0] = -_k;
        observation[1] = 0;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        double reward = rewards[_k];
        observation[0] = _k;
        observation[1] = 3 * MathF.Sin(_k);
        _k++;
        _t++;
        bool done = _t == episodeLengths[_episode % episodeLengths.Count];
        bool even = _episode % 2 == 0;
        return new StepResult(reward, done && even, done && !even);
    }

    public void Dispose()
    {
    }
}
