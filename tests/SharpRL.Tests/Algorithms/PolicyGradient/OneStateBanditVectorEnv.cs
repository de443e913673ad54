using SharpRL.Envs;
using SharpRL.Spaces;

namespace SharpRL.Tests.Algorithms.PolicyGradient;

/// <summary>
/// N copies of a one-state bandit: the observation is always [1], action k pays <c>rewards[k]</c> and ends the
/// episode. With no hidden layer the policy is a linear softmax whose logits are weight + bias.
/// </summary>
internal sealed class OneStateBanditVectorEnv : IVectorEnv
{
    private readonly double[] _rewards;
    private readonly float[] _final;
    private readonly List<EpisodeStatistics> _episodes = [];

    public OneStateBanditVectorEnv(int numEnvs, params double[] rewards)
    {
        NumEnvs = numEnvs;
        _rewards = rewards;
        SingleActionSpace = new Discrete(rewards.Length);
        _final = new float[numEnvs];
        Array.Fill(_final, 1f);
    }

    public int NumEnvs { get; }

    public Space SingleObservationSpace { get; } = new Box(0f, 1f, 1);

    public Space SingleActionSpace { get; }

    public ReadOnlySpan<float> FinalObservations => _final;

    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _episodes;

    public double Reward(int action) => _rewards[action];

    public void Reset(Span<float> observations, int? seed = null) => observations[..NumEnvs].Fill(1f);

    public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        _episodes.Clear();
        for (int i = 0; i < NumEnvs; i++)
        {
            rewards[i] = _rewards[(int)actions[i]];
            terminated[i] = true;
            truncated[i] = false;
            observations[i] = 1f;
            _episodes.Add(new EpisodeStatistics(i, rewards[i], 1));
        }
    }

    public void Dispose()
    {
    }
}
