namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>Pendulum</c> swing-up: torque u ∈ [−2, 2], float64 state (θ, θ̇) with θ = 0 upright.
/// Reward −(normalize(θ)² + 0.1·θ̇² + 0.001·u²); never terminates (the registry truncates at 200 steps).
/// Observation (cos θ, sin θ, θ̇) as float32. Reset: θ ~ U(−π, π), θ̇ ~ U(−1, 1) (options "x_init",
/// "y_init" change the half-widths).
/// </summary>
/// <remarks>
/// Precision follows Gymnasium under NumPy 2 (NEP 50): u is a float32 scalar, so u², 0.001·u² and 3·u
/// are float32 results that then join float64 sums. Under NumPy 1.x those terms are float64.
/// </remarks>
public sealed class PendulumEnv : ClassicControlEnv
{
    private const double MaxSpeed = 8;
    private const float MaxTorque = 2f;
    private const double Dt = 0.05;
    private const double Mass = 1.0;
    private const double Length = 1.0;

    // Box([-1. -1. -8.], [1. 1. 8.], (3,), float32).
    private static readonly Box ObservationBox = new([-1f, -1f, (float)-MaxSpeed], [1f, 1f, (float)MaxSpeed]);
    // Box(-2.0, 2.0, (1,), float32).
    private static readonly Box ActionBox = new(-MaxTorque, MaxTorque, 1);

    private readonly double _g;
    private double _theta;
    private double _thetaDot;

    /// <summary>Creates the env.</summary>
    /// <param name="g">Gravitational acceleration (Gymnasium's <c>g</c>, default 10).</param>
    public PendulumEnv(double g = 10.0)
        : base(ObservationBox, ActionBox)
    {
        if (!double.IsFinite(g))
        {
            throw new ArgumentOutOfRangeException(nameof(g), g, "Gravity must be a finite number.");
        }

        _g = g;
    }

    /// <summary>The float64 state (θ, θ̇).</summary>
    public (double Theta, double ThetaDot) State => (_theta, _thetaDot);

    /// <summary>Overwrites the state and allows stepping from it.</summary>
    /// <param name="theta">Angle (0 = upright).</param>
    /// <param name="thetaDot">Angular velocity.</param>
    public void SetState(double theta, double thetaDot)
    {
        (_theta, _thetaDot) = (theta, thetaDot);
        MarkStateSet();
    }

    /// <inheritdoc />
    protected override StepResult StepState(ReadOnlySpan<float> action)
    {
        float u = ReadBoxAction(action, -MaxTorque, MaxTorque);
        double theta = _theta;
        double thetaDot = _thetaDot;

        // cost = normalize(θ)² + 0.1·θ̇² + 0.001·u²
        double normalized = AngleNormalize(theta);
        float torqueCost = 0.001f * (u * u);
        // Gymnasium's angle_normalize(th)**2 and thdot**2 are NumPy float64 powers, i.e. C's pow(), which is not always
        // the correctly rounded x·x; Math.Pow is the same pow, so the reward is bit-identical.
        double cost = Math.Pow(normalized, 2) + (0.1 * Math.Pow(thetaDot, 2)) + torqueCost;

        // θ̇' = clip(θ̇ + (3g/(2l)·sinθ + 3/(m·l²)·u)·dt, ±8);  θ' = θ + θ̇'·dt
        float torqueAcceleration = (float)(3.0 / (Mass * (Length * Length))) * u;
        double newThetaDot = thetaDot + (((3 * _g / (2 * Length) * Math.Sin(theta)) + torqueAcceleration) * Dt);
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        _theta = theta + (newThetaDot * Dt);
        _thetaDot = newThetaDot;
        return new StepResult(-cost, Terminated: false, Truncated: false);
    }

    /// <inheritdoc />
    protected override void SavePhysicsState(JsonObject state)
    {
        state["g"] = EnvState.Number(_g);
        state["state"] = EnvState.Numbers([_theta, _thetaDot]);
    }

    /// <inheritdoc />
    protected override void LoadPhysicsState(JsonObject state)
    {
        EnvState.RequireSetting(state, "g", _g);
        double[] s = EnvState.ReadDoubles(state, "state", 2);
        (_theta, _thetaDot) = (s[0], s[1]);
    }

    /// <inheritdoc />
    protected override void ResetState(NumpyGenerator random, IReadOnlyDictionary<string, object>? options)
    {
        double x = ReadNumberOption(options, "x_init", Math.PI);
        double y = ReadNumberOption(options, "y_init", 1.0);

        // np_random.uniform(low=-high, high=high) with high = [x, y]: one draw per component, in order.
        _theta = random.Uniform(-x, x);
        _thetaDot = random.Uniform(-y, y);
    }

    /// <inheritdoc />
    protected override void WriteObservation(Span<float> observation)
    {
        (double sin, double cos) = Math.SinCos(_theta);
        observation[0] = (float)cos;
        observation[1] = (float)sin;
        observation[2] = (float)_thetaDot;
    }

    // ((x + π) mod 2π) − π with NumPy's floor-style modulo (result takes the divisor's sign).
    private static double AngleNormalize(double x)
    {
        const double period = 2 * Math.PI;
        double remainder = (x + Math.PI) % period;
        if (remainder < 0)
        {
            remainder += period;
        }
        else if (remainder == 0)
        {
            // NumPy returns +0.0 (the divisor's sign) where fmod gives −0.0.
            remainder = 0.0;
        }

        return remainder - Math.PI;
    }
}
