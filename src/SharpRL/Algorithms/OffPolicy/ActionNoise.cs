namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// Exploration noise for deterministic actors, one independent process per env copy, drawn in the
/// [−1, 1] action space (SB3 adds its noise to the scaled action too).
/// </summary>
/// <remarks>
/// Ornstein–Uhlenbeck (Uhlenbeck and Ornstein, 1930; used by Lillicrap et al., 2016, for DDPG),
/// discretised as SB3 does: x ← x + θ(μ − x)dt + σ√dt·ε with μ = 0, x₀ = 0. Its stationary law is
/// N(0, σ²dt / (1 − (1 − θdt)²)) ≈ N(0, σ²/(2θ)). The process restarts from x₀ when an episode ends,
/// so temporally correlated noise does not leak across episodes.
/// </remarks>
public sealed class ActionNoise
{
    private readonly double[] _state;

    /// <summary>Creates the processes for <paramref name="numEnvs"/> copies of a <paramref name="actionSize"/>-dimensional action.</summary>
    public ActionNoise(ActionNoiseKind kind, int numEnvs, int actionSize, double sigma, double theta = 0.15, double dt = 1e-2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEnvs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(actionSize);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"kind must be one of {string.Join(", ", Enum.GetNames<ActionNoiseKind>())}.");
        }

        if (!(sigma >= 0) || !(theta >= 0) || !(dt > 0))
        {
            throw new ArgumentException($"Noise needs σ ≥ 0, θ ≥ 0 and dt > 0; got σ = {sigma}, θ = {theta}, dt = {dt}.");
        }

        Kind = kind;
        NumEnvs = numEnvs;
        ActionSize = actionSize;
        Sigma = sigma;
        Theta = theta;
        Dt = dt;
        _state = new double[numEnvs * actionSize];
    }

    /// <summary>The kind of noise.</summary>
    public ActionNoiseKind Kind { get; }

    /// <summary>Independent processes.</summary>
    public int NumEnvs { get; }

    /// <summary>Dimensions per process.</summary>
    public int ActionSize { get; }

    /// <summary>σ.</summary>
    public double Sigma { get; }

    /// <summary>θ (Ornstein–Uhlenbeck only).</summary>
    public double Theta { get; }

    /// <summary>dt (Ornstein–Uhlenbeck only).</summary>
    public double Dt { get; }

    /// <summary>The current x of every process, [NumEnvs × ActionSize] (checkpointed: it is live state).</summary>
    public Span<double> State => _state;

    /// <summary>Stationary variance σ²dt / (1 − (1 − θdt)²) of the discretised Ornstein–Uhlenbeck process.</summary>
    public double StationaryVariance => Kind switch
    {
        ActionNoiseKind.OrnsteinUhlenbeck => Sigma * Sigma * Dt / (1 - ((1 - (Theta * Dt)) * (1 - (Theta * Dt)))),
        ActionNoiseKind.Normal => Sigma * Sigma,
        _ => 0,
    };

    /// <summary>Adds one draw of every process to <paramref name="actions"/> [NumEnvs × ActionSize].</summary>
    public void AddTo(Span<float> actions, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (actions.Length != _state.Length)
        {
            throw new ArgumentException($"actions has {actions.Length} values; expected NumEnvs × ActionSize = {_state.Length}.", nameof(actions));
        }

        if (Kind == ActionNoiseKind.None)
        {
            return;
        }

        double scale = Kind == ActionNoiseKind.Normal ? Sigma : Sigma * Math.Sqrt(Dt);
        for (int i = 0; i < _state.Length; i++)
        {
            double epsilon = StandardNormal.Next(random);
            _state[i] = Kind == ActionNoiseKind.Normal
                ? scale * epsilon
                : _state[i] - (Theta * _state[i] * Dt) + (scale * epsilon);
            actions[i] += (float)_state[i];
        }
    }

    /// <summary>Restarts the process of copy <paramref name="env"/> from x₀ = 0 (called when its episode ends).</summary>
    public void Reset(int env) => _state.AsSpan(env * ActionSize, ActionSize).Clear();
}

/// <summary>Standard normal draws from any <see cref="Random"/> (Box–Muller), allocation-free.</summary>
public static class StandardNormal
{
    /// <summary>One N(0, 1) draw (the cosine branch of Box–Muller; two uniforms per draw).</summary>
    public static double Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
        return radius * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    /// <summary>Fills <paramref name="destination"/> with N(0, 1) draws, using both values of each Box–Muller pair.</summary>
    public static void Fill<T>(Span<T> destination, Random random)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < destination.Length; i += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            destination[i] = T.CreateChecked(radius * Math.Cos(angle));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = T.CreateChecked(radius * Math.Sin(angle));
            }
        }
    }
}

/// <summary>
/// Maps actions between the networks' [−1, 1] and a bounded Box [low, high]:
/// a_env = low + (a + 1)(high − low)/2, and back a = 2(a_env − low)/(high − low) − 1.
/// </summary>
public sealed class ActionScaling
{
    private readonly float[] _low;
    private readonly float[] _high;

    /// <summary>Uses the bounds of a Box (every bound must be finite).</summary>
    public ActionScaling(ReadOnlySpan<float> low, ReadOnlySpan<float> high)
    {
        if (low.Length != high.Length || low.Length == 0)
        {
            throw new ArgumentException($"low and high must have the same positive length; got {low.Length} and {high.Length}.");
        }

        for (int j = 0; j < low.Length; j++)
        {
            if (!float.IsFinite(low[j]) || !float.IsFinite(high[j]) || !(high[j] > low[j]))
            {
                throw new ArgumentException(
                    $"Off-policy actors need a bounded Box action space (finite low < high in every dimension) to rescale tanh outputs; dimension {j} has [{low[j]}, {high[j]}].");
            }
        }

        _low = low.ToArray();
        _high = high.ToArray();
    }

    /// <summary>Action dimensions.</summary>
    public int Size => _low.Length;

    /// <summary>[−1, 1] → Box, row by row over <paramref name="scaled"/>.</summary>
    public void Unscale(ReadOnlySpan<float> scaled, Span<float> env)
    {
        for (int i = 0; i < scaled.Length; i++)
        {
            int j = i % _low.Length;
            env[i] = _low[j] + (0.5f * (scaled[i] + 1f) * (_high[j] - _low[j]));
        }
    }

    /// <summary>Box → [−1, 1], row by row.</summary>
    public void Scale(ReadOnlySpan<float> env, Span<float> scaled)
    {
        for (int i = 0; i < env.Length; i++)
        {
            int j = i % _low.Length;
            scaled[i] = (2f * (env[i] - _low[j]) / (_high[j] - _low[j])) - 1f;
        }
    }
}
