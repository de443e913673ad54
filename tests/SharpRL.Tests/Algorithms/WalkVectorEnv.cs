using SharpRL.Envs;
using SharpRL.Spaces;

namespace SharpRL.Tests.Algorithms;

/// <summary>
/// N copies of a 1-D walk on the integers −3…3 starting at 0: action 1 steps right, 0 steps left; reaching +3
/// pays 1 and terminates, reaching −3 terminates with nothing, each step costs 0.01, and a time limit of 12
/// steps truncates. Observation: position / 3. Multi-step episodes that end in all three ways, so λ, γ and
/// the time-limit bootstrap all matter. Deterministic.
/// </summary>
internal sealed class WalkVectorEnv : IVectorEnv
{
    public const int TimeLimit = 12;

    private readonly int[] _position;
    private readonly int[] _steps;
    private readonly double[] _returns;
    private readonly float[] _final;
    private readonly List<EpisodeStatistics> _episodes = [];

    public WalkVectorEnv(int numEnvs)
    {
        NumEnvs = numEnvs;
        _position = new int[numEnvs];
        _steps = new int[numEnvs];
        _returns = new double[numEnvs];
        _final = new float[numEnvs];
    }

    public int NumEnvs { get; }

    public Space SingleObservationSpace { get; } = new Box(-1f, 1f, 1);

    public Space SingleActionSpace { get; } = new Discrete(2);

    public ReadOnlySpan<float> FinalObservations => _final;

    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _episodes;

    public void Reset(Span<float> observations, int? seed = null)
    {
        for (int i = 0; i < NumEnvs; i++)
        {
            _position[i] = 0;
            _steps[i] = 0;
            _returns[i] = 0;
            observations[i] = 0f;
        }
    }

    public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        _episodes.Clear();
        for (int i = 0; i < NumEnvs; i++)
        {
            _position[i] += actions[i] > 0.5f ? 1 : -1;
            _steps[i]++;
            rewards[i] = -0.01 + (_position[i] == 3 ? 1.0 : 0.0);
            terminated[i] = Math.Abs(_position[i]) == 3;
            truncated[i] = !terminated[i] && _steps[i] == TimeLimit;
            _returns[i] += rewards[i];
            observations[i] = _position[i] / 3f;
            if (terminated[i] || truncated[i])
            {
                _final[i] = observations[i];
                _episodes.Add(new EpisodeStatistics(i, _returns[i], _steps[i]));
                _position[i] = 0;
                _steps[i] = 0;
                _returns[i] = 0;
                observations[i] = 0f;
            }
        }
    }

    public void Dispose()
    {
    }
}
