namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>Acrobot</c>: two links, the joint between them actuated with torque −1, 0 or +1;
/// Sutton and Barto's book dynamics integrated by one classical RK4 step of 0.2 s, in float64.
/// Observation (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2) as float32. Reward −1 per step, 0 on the step
/// that reaches the goal height (−cos θ1 − cos(θ1 + θ2) &gt; 1), which terminates. Reset draws
/// (θ1, θ2, θ̇1, θ̇2) from U(−0.1, 0.1) and rounds them to float32, as Gymnasium does, so the reset observation
/// takes NumPy's float32 cos and sin (<see cref="NumpyFloat32Trig"/>).
/// </summary>
public sealed class AcrobotEnv : ClassicControlEnv
{
    private const double Dt = 0.2;
    private const double LinkLength1 = 1.0;
    private const double LinkMass1 = 1.0;
    private const double LinkMass2 = 1.0;
    private const double LinkComPosition1 = 0.5;
    private const double LinkComPosition2 = 0.5;
    private const double LinkMomentOfInertia = 1.0;
    private const double G = 9.8;
    private const double MaxVelocity1 = 4 * Math.PI;
    private const double MaxVelocity2 = 9 * Math.PI;

    // Box([-1 -1 -1 -1 -12.566371 -28.274334], [1 1 1 1 12.566371 28.274334], (6,), float32).
    private static readonly Box ObservationBox = new(
        [-1f, -1f, -1f, -1f, (float)-MaxVelocity1, (float)-MaxVelocity2],
        [1f, 1f, 1f, 1f, (float)MaxVelocity1, (float)MaxVelocity2]);

    // Discrete(3): torque −1, 0, +1.
    private static readonly Discrete ActionDiscrete = new(3);

    private double _theta1;
    private double _theta2;
    private double _dTheta1;
    private double _dTheta2;

    // True from reset to the first step, while Gymnasium holds the state as float32 (see WriteObservation). A
    // snapshot need not keep it: only Reset and Step write observations, and each sets it.
    private bool _stateIsFloat32;

    /// <summary>Creates the env.</summary>
    public AcrobotEnv()
        : base(ObservationBox, ActionDiscrete)
    {
    }

    /// <summary>The state (θ1, θ2, θ̇1, θ̇2) (Gymnasium's <c>env.unwrapped.state</c>).</summary>
    public (double Theta1, double Theta2, double DTheta1, double DTheta2) State => (_theta1, _theta2, _dTheta1, _dTheta2);

    /// <summary>Overwrites the state and allows stepping from it.</summary>
    /// <param name="theta1">Angle of the first link (0 = hanging down).</param>
    /// <param name="theta2">Angle of the second link relative to the first.</param>
    /// <param name="dTheta1">Angular velocity of the first joint.</param>
    /// <param name="dTheta2">Angular velocity of the second joint.</param>
    public void SetState(double theta1, double theta2, double dTheta1, double dTheta2)
    {
        (_theta1, _theta2, _dTheta1, _dTheta2) = (theta1, theta2, dTheta1, dTheta2);
        MarkStateSet();
    }

    /// <inheritdoc />
    protected override StepResult StepState(ReadOnlySpan<float> action)
    {
        double torque = ReadDiscreteAction(action, 3) - 1.0;

        // One RK4 step over [0, dt] (Gymnasium's rk4 with t = [0, dt]); the torque rides along as a
        // fifth state component with zero derivative, so it stays constant.
        Span<double> y0 = [_theta1, _theta2, _dTheta1, _dTheta2];
        Span<double> k1 = stackalloc double[4];
        Span<double> k2 = stackalloc double[4];
        Span<double> k3 = stackalloc double[4];
        Span<double> k4 = stackalloc double[4];
        Span<double> y = stackalloc double[4];
        const double halfDt = Dt / 2.0;

        Derivatives(y0, torque, k1);
        for (int i = 0; i < 4; i++)
        {
            y[i] = y0[i] + (halfDt * k1[i]);
        }

        Derivatives(y, torque, k2);
        for (int i = 0; i < 4; i++)
        {
            y[i] = y0[i] + (halfDt * k2[i]);
        }

        Derivatives(y, torque, k3);
        for (int i = 0; i < 4; i++)
        {
            y[i] = y0[i] + (Dt * k3[i]);
        }

        Derivatives(y, torque, k4);

        // y1 = y0 + dt/6 · (k1 + 2·k2 + 2·k3 + k4)
        for (int i = 0; i < 4; i++)
        {
            y[i] = y0[i] + (Dt / 6.0 * (k1[i] + (2 * k2[i]) + (2 * k3[i]) + k4[i]));
        }

        _stateIsFloat32 = false;
        _theta1 = Wrap(y[0], -Math.PI, Math.PI);
        _theta2 = Wrap(y[1], -Math.PI, Math.PI);
        _dTheta1 = Math.Min(Math.Max(y[2], -MaxVelocity1), MaxVelocity1);
        _dTheta2 = Math.Min(Math.Max(y[3], -MaxVelocity2), MaxVelocity2);

        bool terminated = -Math.Cos(_theta1) - Math.Cos(_theta2 + _theta1) > 1.0;
        return terminated ? new StepResult(0.0, Terminated: true, Truncated: false) : new StepResult(-1.0, Terminated: false, Truncated: false);
    }

    /// <inheritdoc />
    protected override void SavePhysicsState(JsonObject state)
        => state["state"] = EnvState.Numbers([_theta1, _theta2, _dTheta1, _dTheta2]);

    /// <inheritdoc />
    protected override void LoadPhysicsState(JsonObject state)
    {
        double[] s = EnvState.ReadDoubles(state, "state", 4);
        (_theta1, _theta2, _dTheta1, _dTheta2) = (s[0], s[1], s[2], s[3]);
    }

    /// <inheritdoc />
    protected override void ResetState(NumpyGenerator random, IReadOnlyDictionary<string, object>? options)
    {
        (double low, double high) = ParseResetBounds(options, -0.1, 0.1);

        // np_random.uniform(low, high, size=(4,)).astype(np.float32)
        _theta1 = (float)random.Uniform(low, high);
        _theta2 = (float)random.Uniform(low, high);
        _dTheta1 = (float)random.Uniform(low, high);
        _dTheta2 = (float)random.Uniform(low, high);
        _stateIsFloat32 = true;
    }

    /// <inheritdoc />
    protected override void WriteObservation(Span<float> observation)
    {
        if (_stateIsFloat32)
        {
            // Gymnasium's reset state is a float32 array, and NumPy's float32 cos and sin are not the correctly
            // rounded ones; the first step turns the state into float64 (np.append with the Python-float torque).
            observation[0] = NumpyFloat32Trig.Cos((float)_theta1);
            observation[1] = NumpyFloat32Trig.Sin((float)_theta1);
            observation[2] = NumpyFloat32Trig.Cos((float)_theta2);
            observation[3] = NumpyFloat32Trig.Sin((float)_theta2);
        }
        else
        {
            (double sin1, double cos1) = Math.SinCos(_theta1);
            (double sin2, double cos2) = Math.SinCos(_theta2);
            observation[0] = (float)cos1;
            observation[1] = (float)sin1;
            observation[2] = (float)cos2;
            observation[3] = (float)sin2;
        }

        observation[4] = (float)_dTheta1;
        observation[5] = (float)_dTheta2;
    }

    // Book dynamics (Sutton & Barto; Gymnasium's _dsdt with book_or_nips = "book"), in Gymnasium's
    // evaluation order so that float64 rounding matches:
    // d1 = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cosθ2) + I1 + I2
    // d2 = m2·(lc2² + l1·lc2·cosθ2) + I2
    // φ2 = m2·lc2·g·cos(θ1 + θ2 − π/2)
    // φ1 = −m2·l1·lc2·θ̇2²·sinθ2 − 2·m2·l1·lc2·θ̇2·θ̇1·sinθ2 + (m1·lc1 + m2·l1)·g·cos(θ1 − π/2) + φ2
    // θ̈2 = (a + d2/d1·φ1 − m2·l1·lc2·θ̇1²·sinθ2 − φ2) / (m2·lc2² + I2 − d2²/d1)
    // θ̈1 = −(d2·θ̈2 + φ1) / d1
    private static void Derivatives(ReadOnlySpan<double> s, double a, Span<double> ds)
    {
        const double m1 = LinkMass1;
        const double m2 = LinkMass2;
        const double l1 = LinkLength1;
        const double lc1 = LinkComPosition1;
        const double lc2 = LinkComPosition2;
        const double i1 = LinkMomentOfInertia;
        const double i2 = LinkMomentOfInertia;
        double theta1 = s[0];
        double theta2 = s[1];
        double dtheta1 = s[2];
        double dtheta2 = s[3];
        (double sinTheta2, double cosTheta2) = Math.SinCos(theta2);

        double d1 = (m1 * (lc1 * lc1)) + (m2 * ((l1 * l1) + (lc2 * lc2) + (2 * l1 * lc2 * cosTheta2))) + i1 + i2;
        double d2 = (m2 * ((lc2 * lc2) + (l1 * lc2 * cosTheta2))) + i2;
        double phi2 = m2 * lc2 * G * Math.Cos(theta1 + theta2 - (Math.PI / 2.0));
        // Gymnasium writes dtheta2**2, dtheta1**2 and d2**2 on NumPy float64 scalars, which NumPy computes with C's
        // pow(); glibc's pow(x, 2) is not always the correctly rounded x·x (about 1 in 1,000 differ), and Math.Pow is
        // that same pow, so the state stays bit-identical to Gymnasium's. The squares of constants are exact either way.
        double phi1 = (-m2 * l1 * lc2 * Math.Pow(dtheta2, 2) * sinTheta2)
            - (2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinTheta2)
            + (((m1 * lc1) + (m2 * l1)) * G * Math.Cos(theta1 - (Math.PI / 2)))
            + phi2;
        double ddtheta2 = (a + (d2 / d1 * phi1) - (m2 * l1 * lc2 * Math.Pow(dtheta1, 2) * sinTheta2) - phi2)
            / ((m2 * (lc2 * lc2)) + i2 - (Math.Pow(d2, 2) / d1));
        double ddtheta1 = -((d2 * ddtheta2) + phi1) / d1;
        ds[0] = dtheta1;
        ds[1] = dtheta2;
        ds[2] = ddtheta1;
        ds[3] = ddtheta2;
    }

    // Gymnasium's wrap: shift by whole periods until m ≤ x ≤ M.
    private static double Wrap(double x, double m, double big)
    {
        double diff = big - m;
        while (x > big)
        {
            x -= diff;
        }

        while (x < m)
        {
            x += diff;
        }

        return x;
    }
}
