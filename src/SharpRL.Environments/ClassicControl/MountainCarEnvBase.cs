namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// What Gymnasium's two mountain-car envs (<see cref="MountainCarEnv"/>, <see cref="ContinuousMountainCarEnv"/>)
/// share: the track and speed limits, the observation (position, velocity), the goal velocity, the reset
/// (position ~ U(−0.6, −0.4), velocity 0) and the state's part of a snapshot. Each subclass has its own
/// action space, dynamics and reward.
/// </summary>
public abstract class MountainCarEnvBase : ClassicControlEnv
{
    /// <summary>Left end of the track.</summary>
    private protected const double MinPosition = -1.2;

    /// <summary>Right end of the track.</summary>
    private protected const double MaxPosition = 0.6;

    /// <summary>Speed limit in either direction.</summary>
    private protected const double MaxSpeed = 0.07;

    // Box([-1.2 -0.07], [0.6 0.07], (2,), float32).
    private static readonly Box ObservationBox = new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);

    private protected MountainCarEnvBase(Space actionSpace, double goalVelocity)
        : base(ObservationBox, actionSpace)
    {
        GoalVelocity = goalVelocity;
    }

    /// <summary>The state (position, velocity): float64 in MountainCar; in MountainCarContinuous float32 values after any step.</summary>
    public (double Position, double Velocity) State => (Position, Velocity);

    /// <summary>Minimum velocity at the goal (Gymnasium's <c>goal_velocity</c>).</summary>
    private protected double GoalVelocity { get; }

    /// <summary>Car position.</summary>
    private protected double Position { get; set; }

    /// <summary>Car velocity.</summary>
    private protected double Velocity { get; set; }

    /// <summary>Overwrites the state (as a float64 array) and allows stepping from it.</summary>
    /// <param name="position">Car position.</param>
    /// <param name="velocity">Car velocity.</param>
    public void SetState(double position, double velocity)
    {
        (Position, Velocity) = (position, velocity);
        OnStateOverwritten();
        MarkStateSet();
    }

    /// <summary>Called when a reset or <see cref="SetState"/> writes a float64 state (MountainCarContinuous tracks the dtype).</summary>
    private protected virtual void OnStateOverwritten()
    {
    }

    /// <summary>Writes what the subclass adds to the snapshot.</summary>
    private protected virtual void SaveExtraState(JsonObject state)
    {
    }

    /// <summary>Reads and applies what <see cref="SaveExtraState"/> wrote; throws before changing anything when it is malformed.</summary>
    private protected virtual void LoadExtraState(JsonObject state)
    {
    }

    /// <inheritdoc />
    protected sealed override void SavePhysicsState(JsonObject state)
    {
        state["goal_velocity"] = EnvState.Number(GoalVelocity);
        state["state"] = EnvState.Numbers([Position, Velocity]);
        SaveExtraState(state);
    }

    /// <inheritdoc />
    protected sealed override void LoadPhysicsState(JsonObject state)
    {
        EnvState.RequireSetting(state, "goal_velocity", GoalVelocity);
        double[] s = EnvState.ReadDoubles(state, "state", 2);
        LoadExtraState(state);
        (Position, Velocity) = (s[0], s[1]);
    }

    /// <inheritdoc />
    protected sealed override void ResetState(NumpyGenerator random, IReadOnlyDictionary<string, object>? options)
    {
        (double low, double high) = ParseResetBounds(options, -0.6, -0.4);
        Position = random.Uniform(low, high);
        Velocity = 0;
        OnStateOverwritten();
    }

    /// <inheritdoc />
    protected sealed override void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)Position;
        observation[1] = (float)Velocity;
    }
}
