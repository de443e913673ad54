using SharpRL.Algorithms;

namespace SharpRL.Training;

/// <summary>Returns of evaluation episodes.</summary>
/// <param name="Returns">Undiscounted return of each episode.</param>
/// <param name="Lengths">Length of each episode.</param>
public sealed record EvaluationResult(IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths)
{
    /// <summary>Mean return.</summary>
    public double Mean => Returns.Average();

    /// <summary>Population standard deviation of the returns (as SB3's evaluate_policy reports).</summary>
    public double Std
    {
        get
        {
            double mean = Mean;
            return Math.Sqrt(Returns.Sum(r => (r - mean) * (r - mean)) / Returns.Count);
        }
    }
}

/// <summary>Runs a trained policy for whole episodes and reports their returns.</summary>
public static class Evaluation
{
    /// <summary>
    /// Plays <paramref name="episodes"/> episodes in <paramref name="env"/> (first reset seeded with
    /// <paramref name="seed"/>, later ones continue its stream), acting with the policy's mode
    /// (<paramref name="deterministic"/>) or samples drawn from <paramref name="random"/> (default: seeded with <paramref name="seed"/>).
    /// </summary>
    public static EvaluationResult Evaluate(IActingPolicy policy, IEnv env, int episodes, bool deterministic = true, int seed = 0, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        if (!env.ObservationSpace.Equals(policy.ObservationSpace) || !env.ActionSpace.Equals(policy.ActionSpace))
        {
            throw new ArgumentException(
                $"The policy was trained for observations {policy.ObservationSpace} and actions {policy.ActionSpace}, but the env has {env.ObservationSpace} and {env.ActionSpace}.",
                nameof(env));
        }

        random ??= new Random(seed);
        var observation = new float[env.ObservationSpace.FlatSize];
        var envAction = new float[env.ActionSpace.FlatSize];

        // Masked envs: the policy sees each state's mask, so evaluation never takes an illegal action.
        IActionMaskEnv? maskEnv = policy is IMaskedActingPolicy && env is IActionMaskEnv { HasActionMask: true } masked ? masked : null;
        bool[] actionMask = maskEnv is null ? [] : new bool[ActionMasks.SizeOf(env.ActionSpace)];
        var returns = new List<double>(episodes);
        var lengths = new List<int>(episodes);
        for (int episode = 0; episode < episodes; episode++)
        {
            env.Reset(observation, episode == 0 ? seed : null);
            double episodeReturn = 0;
            int length = 0;
            while (true)
            {
                if (maskEnv is null)
                {
                    policy.Act(observation, envAction, deterministic, random);
                }
                else
                {
                    maskEnv.GetActionMask(actionMask);
                    ((IMaskedActingPolicy)policy).Act(observation, actionMask, envAction, deterministic, random);
                }

                StepResult step = env.Step(envAction, observation);
                episodeReturn += step.Reward;
                length++;
                if (step.Done)
                {
                    break;
                }
            }

            returns.Add(episodeReturn);
            lengths.Add(length);
        }

        return new EvaluationResult(returns, lengths);
    }

    /// <summary>
    /// Evaluates an actor-critic policy directly (see <see cref="Evaluate(IActingPolicy, IEnv, int, bool, int, Random?)"/>).
    /// Observations pass through <paramref name="normalizeObservation"/> first when the policy was trained on normalised ones.
    /// </summary>
    public static EvaluationResult Evaluate(
        ActorCriticPolicy policy,
        IEnv env,
        int episodes,
        bool deterministic = true,
        int seed = 0,
        ObservationTransform? normalizeObservation = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(env);

        // With a transform the policy saw transformed observations (e.g. normalised, Box(±10)); only their size must agree.
        bool observationsFit = normalizeObservation is null
            ? env.ObservationSpace.Equals(policy.ObservationSpace)
            : env.ObservationSpace.FlatSize == policy.ObservationSpace.FlatSize;
        if (!observationsFit || !env.ActionSpace.Equals(policy.ActionSpace))
        {
            throw new ArgumentException(
                $"The policy was trained for observations {policy.ObservationSpace} and actions {policy.ActionSpace}, but the env has {env.ObservationSpace} and {env.ActionSpace}.",
                nameof(env));
        }

        return Evaluate(new ActorCriticActingPolicy(policy, env.ObservationSpace, normalizeObservation), env, episodes, deterministic, seed, random);
    }
}
