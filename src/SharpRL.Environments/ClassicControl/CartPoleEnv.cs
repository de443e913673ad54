namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>CartPole</c> (Barto, Sutton and Anderson's cart-pole, explicit Euler, τ = 0.02 s).
/// State (x, ẋ, θ, θ̇) is kept in float64 as Gymnasium keeps it; the observation is its float32 cast.
/// Actions: 0 pushes left, 1 pushes right (force ±10 N). Reward +1 per step, including the step that
/// terminates (|x| &gt; 2.4 or |θ| &gt; 12°); with <c>suttonBartoReward</c>, 0 per step and −1 on termination.
/// Reset draws every state component from U(−0.05, 0.05) (options "low"/"high" change the bounds).
/// </summary>
public sealed class CartPoleEnv : ClassicControlEnv
{
    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double TotalMass = MassPole + MassCart;
    private const double Length = 0.5;
    private const double PoleMassLength = MassPole * Length;
    private const double ForceMagnitude = 10.0;
    private const double Tau = 0.02;
    private const double XThreshold = 2.4;

    // 12 * 2 * math.pi / 360, evaluated left to right as Python does.
    private static readonly double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;

    // Box([-4.8 -inf -0.41887903 -inf], [4.8 inf 0.41887903 inf], (4,), float32).
    private static readonly Box ObservationBox = new(
        [(float)(-XThreshold * 2), float.NegativeInfinity, (float)(-ThetaThresholdRadians * 2), float.NegativeInfinity],
        [(float)(XThreshold * 2), float.PositiveInfinity, (float)(ThetaThresholdRadians * 2), float.PositiveInfinity]);

    // Discrete(2).
    private static readonly Discrete ActionDiscrete = new(2);

    private readonly bool _suttonBartoReward;
    private double _x;
    private double _xDot;
    private double _theta;
    private double _thetaDot;

    /// <summary>Creates the env.</summary>
    /// <param name="suttonBartoReward">Gymnasium's <c>sutton_barto_reward</c>: 0 per step, −1 on termination.</param>
    public CartPoleEnv(bool suttonBartoReward = false)
        : base(ObservationBox, ActionDiscrete)
    {
        _suttonBartoReward = suttonBartoReward;
    }

    /// <summary>The float64 state (x, ẋ, θ, θ̇) (Gymnasium's <c>env.unwrapped.state</c>).</summary>
    public (double X, double XDot, double Theta, double ThetaDot) State => (_x, _xDot, _theta, _thetaDot);

    /// <summary>Overwrites the state and allows stepping from it (as assigning <c>env.unwrapped.state</c> does).</summary>
    /// <param name="x">Cart position.</param>
    /// <param name="xDot">Cart velocity.</param>
    /// <param name="theta">Pole angle (rad).</param>
    /// <param name="thetaDot">Pole angular velocity.</param>
    public void SetState(double x, double xDot, double theta, double thetaDot)
    {
        (_x, _xDot, _theta, _thetaDot) = (x, xDot, theta, thetaDot);
        MarkStateSet();
    }

    /// <inheritdoc />
    protected override StepResult StepState(ReadOnlySpan<float> action)
    {
        int push = ReadDiscreteAction(action, 2);
        double force = push == 1 ? ForceMagnitude : -ForceMagnitude;
        (double sinTheta, double cosTheta) = Math.SinCos(_theta);

        // Florian (2007), "Correct equations for the dynamics of the cart-pole system":
        // temp = (F + m_p·l·θ̇²·sinθ) / (m_c + m_p)
        // θ̈ = (g·sinθ − cosθ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
        // ẍ = temp − m_p·l·θ̈·cosθ / (m_c + m_p)
        double temp = (force + (PoleMassLength * (_thetaDot * _thetaDot) * sinTheta)) / TotalMass;
        double thetaAcc = ((Gravity * sinTheta) - (cosTheta * temp))
            / (Length * ((4.0 / 3.0) - (MassPole * (cosTheta * cosTheta) / TotalMass)));
        double xAcc = temp - (PoleMassLength * thetaAcc * cosTheta / TotalMass);

        // Explicit Euler: positions advance with the old velocities.
        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;

        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThresholdRadians || _theta > ThetaThresholdRadians;
        return terminated
            ? new StepResult(_suttonBartoReward ? -1.0 : 1.0, Terminated: true, Truncated: false)
            : new StepResult(_suttonBartoReward ? 0.0 : 1.0, Terminated: false, Truncated: false);
    }

    /// <inheritdoc />
    protected override void SavePhysicsState(JsonObject state)
    {
        state["sutton_barto_reward"] = _suttonBartoReward;
        state["state"] = EnvState.Numbers([_x, _xDot, _theta, _thetaDot]);
    }

    /// <inheritdoc />
    protected override void LoadPhysicsState(JsonObject state)
    {
        EnvState.RequireSetting(state, "sutton_barto_reward", _suttonBartoReward);
        double[] s = EnvState.ReadDoubles(state, "state", 4);
        (_x, _xDot, _theta, _thetaDot) = (s[0], s[1], s[2], s[3]);
    }

    /// <inheritdoc />
    protected override void ResetState(NumpyGenerator random, IReadOnlyDictionary<string, object>? options)
    {
        // np_random.uniform(low, high, size=(4,)): four draws in state order.
        (double low, double high) = ParseResetBounds(options, -0.05, 0.05);
        _x = random.Uniform(low, high);
        _xDot = random.Uniform(low, high);
        _theta = random.Uniform(low, high);
        _thetaDot = random.Uniform(low, high);
    }

    /// <inheritdoc />
    protected override void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)_x;
        observation[1] = (float)_xDot;
        observation[2] = (float)_theta;
        observation[3] = (float)_thetaDot;
    }
}
