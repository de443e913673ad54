using System.Runtime.CompilerServices;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// One fixed-length rollout over a vector env, stored step-major (<c>[steps × envs × …]</c>),
/// plus the advantages and return targets computed from it. Allocated once; reused every iteration.
/// </summary>
public sealed class RolloutBuffer
{
    /// <summary>Allocates a buffer for <paramref name="steps"/> steps of <paramref name="envs"/> envs.</summary>
    /// <param name="steps">Steps per env.</param>
    /// <param name="envs">Parallel envs.</param>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actionSize">Floats per stored action.</param>
    /// <param name="distributionParameterSize">Distribution parameters per transition.</param>
    /// <param name="actionMaskSize">Action-mask flags per transition; 0 (the default) when the env supplies no masks.</param>
    public RolloutBuffer(int steps, int envs, int observationSize, int actionSize, int distributionParameterSize, int actionMaskSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actionMaskSize);
        Steps = Positive(steps);
        Envs = Positive(envs);
        ObservationSize = Positive(observationSize);
        ActionSize = Positive(actionSize);
        DistributionParameterSize = Positive(distributionParameterSize);
        int size = steps * envs;
        Observations = new float[size * observationSize];
        Actions = new float[size * actionSize];
        OldDistributionParameters = new float[size * distributionParameterSize];
        (Rewards, Values, NextValues, LogProbs) = (new float[size], new float[size], new float[size], new float[size]);
        (Terminated, Truncated) = (new float[size], new float[size]);
        (Advantages, Returns) = (new float[size], new float[size]);
        ActionMaskSize = actionMaskSize;
        ActionMasks = new bool[size * actionMaskSize];
    }

    /// <summary>Action-mask flags per transition (0 when the env supplies no masks).</summary>
    public int ActionMaskSize { get; }

    /// <summary>The mask a_t was drawn under, [size × actionMaskSize] (true = allowed); empty without masks.</summary>
    public bool[] ActionMasks { get; }

    /// <summary>Steps per env per rollout (n_steps).</summary>
    public int Steps { get; }

    /// <summary>Parallel envs.</summary>
    public int Envs { get; }

    /// <summary>Transitions per rollout: Steps × Envs.</summary>
    public int Size => Steps * Envs;

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per stored action.</summary>
    public int ActionSize { get; }

    /// <summary>Distribution parameters per transition (logits, or mean and log-std).</summary>
    public int DistributionParameterSize { get; }

    /// <summary>s_t, [size × observationSize] (already normalised if the env normalises).</summary>
    public float[] Observations { get; }

    /// <summary>a_t as sampled (Box actions unclipped), [size × actionSize].</summary>
    public float[] Actions { get; }

    /// <summary>Parameters of π_old(·|s_t), kept for the KL terms of TRPO and PPO-KL.</summary>
    public float[] OldDistributionParameters { get; }

    /// <summary>r_t (after any reward normalisation).</summary>
    public float[] Rewards { get; }

    /// <summary>V(s_t) under the policy that collected the data.</summary>
    public float[] Values { get; }

    /// <summary>V of the state after step t: the next observation, or the final observation when the episode ended.</summary>
    public float[] NextValues { get; }

    /// <summary>ln π_old(a_t | s_t).</summary>
    public float[] LogProbs { get; }

    /// <summary>1 where step t reached a terminal state.</summary>
    public float[] Terminated { get; }

    /// <summary>1 where step t was cut by a time limit.</summary>
    public float[] Truncated { get; }

    /// <summary>Â_t, filled by <see cref="ComputeAdvantages"/>.</summary>
    public float[] Advantages { get; }

    /// <summary>Â_t + V(s_t), filled by <see cref="ComputeAdvantages"/>.</summary>
    public float[] Returns { get; }

    /// <summary>Fills <see cref="Advantages"/> and <see cref="Returns"/> with GAE(γ, λ).</summary>
    public void ComputeAdvantages(float gamma, float lambda) =>
        Gae.Compute(Rewards, Values, NextValues, Terminated, Truncated, Advantages, Returns, Steps, Envs, gamma, lambda);

    /// <summary>Observation row of transition <paramref name="index"/>.</summary>
    public Span<float> ObservationAt(int index) => Observations.AsSpan(index * ObservationSize, ObservationSize);

    private static int Positive(int value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, name);
        return value;
    }
}
