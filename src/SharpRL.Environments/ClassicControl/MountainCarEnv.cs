namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>MountainCar</c> (Moore's under-powered car in a valley), float64 state.
/// Actions: 0 accelerate left, 1 coast, 2 accelerate right. Reward −1 per step; terminates when
/// position ≥ 0.5 and velocity ≥ goalVelocity. Reset: position ~ U(−0.6, −0.4), velocity 0.
/// </summary>
public sealed class MountainCarEnv : ClassicControlEnv
{
    private const double MinPosition = -1.2;
    private const double MaxPosition = 0.6;
    private const double MaxSpeed = 0.07;
    private const double GoalPosition = 0.5;
    private const double Force = 0.001;
    private const double Gravity = 0.0025;

    // Box([-1.2 -0.07], [0.6 0.07], (2,), float32).
    private static readonly Box ObservationBox = new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    // Discrete(3).
    private static readonly Discrete ActionDiscrete = new(3);

    private readonly double _goalVelocity;
    private double _position;
    private double _velocity;

    /// <summary>Creates the env.</summary>
    /// <param name="goalVelocity">Minimum velocity at the goal (Gymnasium's <c>goal_velocity</c>, default 0).</param>
    public MountainCarEnv(double goalVelocity = 0)
        : base(ObservationBox, ActionDiscrete)
    {
        _goalVelocity = goalVelocity;
    }

    /// <summary>The float64 state (position, velocity).</summary>
    public (double Position, double Velocity) State => (_position, _velocity);

    /// <summary>Overwrites the state and allows stepping from it.</summary>
    /// <param name="position">Car position.</param>
    /// <param name="velocity">Car velocity.</param>
    public void SetState(double position, double velocity)
    {
        (_position, _velocity) = (position, velocity);
        MarkStateSet();
    }

    /// <inheritdoc />
    protected override StepResult StepState(ReadOnlySpan<float> action)
    {
        int push = ReadDiscreteAction(action, 3);

        // v ← clip(v + (a − 1)·force − cos(3p)·gravity); p ← clip(p + v); a car stopped by the left wall loses its velocity.
        double velocity = _velocity + (((push - 1) * Force) + (Math.Cos(3 * _position) * -Gravity));
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        double position = Math.Clamp(_position + velocity, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0)
        {
            velocity = 0;
        }

        _position = position;
        _velocity = velocity;
        bool terminated = position >= GoalPosition && velocity >= _goalVelocity;
        return new StepResult(-1.0, terminated, Truncated: false);
    }

    /// <inheritdoc />
    protected override void SavePhysicsState(JsonObject state)
    {
        state["goal_velocity"] = EnvState.Number(_goalVelocity);
        state["state"] = EnvState.Numbers([_position, _velocity]);
    }

    /// <inheritdoc />
    protected override void LoadPhysicsState(JsonObject state)
    {
        EnvState.RequireSetting(state, "goal_velocity", _goalVelocity);
        double[] s = EnvState.ReadDoubles(state, "state", 2);
        (_position, _velocity) = (s[0], s[1]);
    }

    /// <inheritdoc />
    protected override void ResetState(NumpyGenerator random, IReadOnlyDictionary<string, object>? options)
    {
        (double low, double high) = ParseResetBounds(options, -0.6, -0.4);
        _position = random.Uniform(low, high);
        _velocity = 0;
    }

    /// <inheritdoc />
    protected override void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
    }
}
