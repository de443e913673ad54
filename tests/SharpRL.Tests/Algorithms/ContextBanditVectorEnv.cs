using SharpRL.Envs;
using SharpRL.Spaces;

namespace SharpRL.Tests.Algorithms;

/// <summary>
/// N copies of a one-step contextual bandit: the observation is a one-hot context (2 contexts),
/// reward 1 for the action equal to the context, else 0; every step terminates the episode.
/// Optimal return 1, a uniform policy gets 0.5. Deterministic given the seed.
/// </summary>
internal sealed class ContextBanditVectorEnv : IVectorEnv
{
    private readonly float[] _final;
    private readonly List<EpisodeStatistics> _episodes = [];
    private readonly int[] _context;
    private Random _random = new(0);

    public ContextBanditVectorEnv(int numEnvs, bool continuousActions = false)
    {
        NumEnvs = numEnvs;
        SingleActionSpace = continuousActions ? new Box(-1f, 1f, 1) : new Discrete(2);
        _final = new float[numEnvs * 2];
        _context = new int[numEnvs];
    }

    public int NumEnvs { get; }

    public Space SingleObservationSpace { get; } = new Box(0f, 1f, 2);

    public Space SingleActionSpace { get; }

    public ReadOnlySpan<float> FinalObservations => _final;

    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _episodes;

    public void Reset(Span<float> observations, int? seed = null)
    {
        _random = new Random(seed ?? 0);
        for (int i = 0; i < NumEnvs; i++)
        {
            NewContext(i, observations);
        }
    }

    public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        _episodes.Clear();
        for (int i = 0; i < NumEnvs; i++)
        {
            // Discrete: the action index; continuous: the sign picks the arm.
            int chosen = SingleActionSpace is Discrete ? (int)actions[i] : (actions[i] > 0 ? 1 : 0);
            rewards[i] = chosen == _context[i] ? 1.0 : 0.0;
            terminated[i] = true;
            truncated[i] = false;
            _final[2 * i] = _context[i] == 0 ? 1f : 0f;
            _final[(2 * i) + 1] = _context[i] == 1 ? 1f : 0f;
            _episodes.Add(new EpisodeStatistics(i, rewards[i], 1));
            NewContext(i, observations);
        }
    }

    public void Dispose()
    {
    }

    private void NewContext(int i, Span<float> observations)
    {
        _context[i] = _random.Next(2);
        observations[2 * i] = _context[i] == 0 ? 1f : 0f;
        observations[(2 * i) + 1] = _context[i] == 1 ? 1f : 0f;
    }
}
