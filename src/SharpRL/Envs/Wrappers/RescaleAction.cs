namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Presents the wrapped env's bounded Box action space as Box(min, max) and maps actions affinely back, with
/// Gymnasium 1.x's <c>RescaleAction</c> arithmetic so the env receives the same float32 action:
/// gradient g = (max − min)/(high − low) and intercept c = g·(−low) + min are each rounded to float32 once, and
/// <c>a_env = (a − c)/g</c> is computed in float32. Actions outside [min, max] are refused; a mapped action that
/// rounding puts a last-place step outside [low, high] is clamped to the bound, where Gymnasium passes it on.
/// </summary>
/// <remarks>
/// min and max arrive here as float32. Gymnasium keeps Python-float bounds in float64, so the two agree bit for bit
/// for bounds that float32 represents exactly (−1, 1, 0, 0.5, …), not for one such as 0.3.
/// </remarks>
public sealed class RescaleAction : Wrapper
{
    private readonly Box _inner;
    private readonly Box _outer;
    private readonly float[] _gradient;
    private readonly float[] _intercept;
    private readonly float[] _mapped;

    /// <summary>Rescales every component to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="env">The env to wrap (Box action space with finite bounds); the wrapper takes ownership.</param>
    /// <param name="min">Lower bound of the new action space.</param>
    /// <param name="max">Upper bound of the new action space.</param>
    public RescaleAction(IEnv env, float min = -1f, float max = 1f)
        : this(env, Fill(env, min), Fill(env, max))
    {
    }

    /// <summary>Rescales component i to [<paramref name="min"/>[i], <paramref name="max"/>[i]].</summary>
    /// <param name="env">The env to wrap (Box action space with finite bounds); the wrapper takes ownership.</param>
    /// <param name="min">Lower bounds of the new action space, one per component.</param>
    /// <param name="max">Upper bounds of the new action space, one per component.</param>
    public RescaleAction(IEnv env, ReadOnlySpan<float> min, ReadOnlySpan<float> max)
        : base(env)
    {
        _inner = InnerBox(env);
        if (!_inner.IsBounded)
        {
            throw new ArgumentException($"RescaleAction needs finite action bounds; the env has {_inner}.", nameof(env));
        }

        if (min.Length != _inner.FlatSize || max.Length != _inner.FlatSize)
        {
            throw new ArgumentException($"min and max must have {_inner.FlatSize} components (the action space's size); got {min.Length} and {max.Length}.", nameof(min));
        }

        for (int i = 0; i < min.Length; i++)
        {
            if (!float.IsFinite(min[i]) || !float.IsFinite(max[i]) || !(min[i] < max[i]))
            {
                throw new ArgumentException($"Every component needs finite min < max; got min[{i}] = {min[i]}, max[{i}] = {max[i]}.", nameof(min));
            }
        }

        _outer = new Box(min, max, [.. _inner.Shape]);
        _mapped = new float[_inner.FlatSize];
        _gradient = new float[_inner.FlatSize];
        _intercept = new float[_inner.FlatSize];
        ReadOnlySpan<float> low = _inner.Low;
        ReadOnlySpan<float> high = _inner.High;
        for (int i = 0; i < min.Length; i++)
        {
            // Gymnasium's rescale_box: the bounds of the new space are float64 arrays (np.full of the Python
            // numbers), high − low is taken in long double and the quotient stored as float32. Here the quotient
            // is taken in float64, which rounds to the same float32 unless it lands exactly halfway between two.
            _gradient[i] = (float)(((double)max[i] - min[i]) / ((double)high[i] - low[i]));

            // The float32 product g·(−low), then a float64 sum with min, stored as float32.
            _intercept[i] = (float)((float)(_gradient[i] * -low[i]) + (double)min[i]);
        }
    }

    /// <summary>Box(min, max) of the wrapped action space's shape.</summary>
    public override Space ActionSpace => _outer;

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (action.Length != _mapped.Length || !_outer.Contains(action))
        {
            throw new ArgumentException($"action must be {_mapped.Length} floats inside {_outer}.", nameof(action));
        }

        ReadOnlySpan<float> low = _inner.Low;
        ReadOnlySpan<float> high = _inner.High;
        for (int i = 0; i < action.Length; i++)
        {
            // Gymnasium's backward map (a − c)/g, in float32 like the float32 action it is given.
            float mapped = (action[i] - _intercept[i]) / _gradient[i];
            _mapped[i] = Math.Clamp(mapped, low[i], high[i]);
        }

        return Env.Step(_mapped, observation);
    }

    private static Box InnerBox(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.ActionSpace as Box
            ?? throw new ArgumentException($"RescaleAction needs a Box action space; the env has {env.ActionSpace}.", nameof(env));
    }

    private static float[] Fill(IEnv env, float value)
    {
        var values = new float[InnerBox(env).FlatSize];
        Array.Fill(values, value);
        return values;
    }
}
