namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>MountainCar</c> (Moore's under-powered car in a valley), float64 state.
/// Actions: 0 accelerate left, 1 coast, 2 accelerate right. Reward −1 per step; terminates when
/// position ≥ 0.5 and velocity ≥ goalVelocity. Reset: position ~ U(−0.6, −0.4), velocity 0.
/// </summary>
public sealed class MountainCarEnv : MountainCarEnvBase
{
    private const double GoalPosition = 0.5;
    private const double Force = 0.001;
    private const double Gravity = 0.0025;

    // Discrete(3).
    private static readonly Discrete ActionDiscrete = new(3);

    /// <summary>Creates the env.</summary>
    /// <param name="goalVelocity">Minimum velocity at the goal (Gymnasium's <c>goal_velocity</c>, default 0).</param>
    public MountainCarEnv(double goalVelocity = 0)
        : base(ActionDiscrete, goalVelocity)
    {
    }

    /// <inheritdoc />
    protected override StepResult StepState(ReadOnlySpan<float> action)
    {
        int push = ReadDiscreteAction(action, 3);

        // v ← clip(v + (a − 1)·force − cos(3p)·gravity); p ← clip(p + v); a car stopped by the left wall loses its velocity.
        double velocity = Velocity + (((push - 1) * Force) + (Math.Cos(3 * Position) * -Gravity));
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        double position = Math.Clamp(Position + velocity, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0)
        {
            velocity = 0;
        }

        Position = position;
        Velocity = velocity;
        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        return new StepResult(-1.0, terminated, Truncated: false);
    }
}
