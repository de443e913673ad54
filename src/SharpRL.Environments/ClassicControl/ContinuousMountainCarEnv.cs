namespace SharpRL.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>MountainCarContinuous</c>: force a ∈ [−1, 1]; reward −0.1·a² per step plus 100 on
/// reaching position ≥ 0.45 with velocity ≥ goalVelocity, which terminates. Reset: position ~
/// U(−0.6, −0.4), velocity 0.
/// </summary>
/// <remarks>
/// Precision follows Gymnasium under NumPy 2 (NEP 50 promotion): the reset state is float64, every
/// later state is stored as float32; force·power is a float32 product, the gravity term is rounded to
/// float32 before it is subtracted, and arithmetic on a float32 state stays in float32. Under NumPy 1.x
/// Gymnasium computes those terms in float64 instead (last-bit differences).
/// </remarks>
public sealed class ContinuousMountainCarEnv : MountainCarEnvBase
{
    private const float MinAction = -1f;
    private const float MaxAction = 1f;
    private const double GoalPosition = 0.45;
    private const float Power = 0.0015f;

    // Box(-1.0, 1.0, (1,), float32).
    private static readonly Box ActionBox = new(MinAction, MaxAction, 1);

    // Gymnasium's state array is float64 after reset and float32 after any step; the dtype changes
    // how the next step rounds.
    private bool _stateIsFloat32;

    /// <summary>Creates the env.</summary>
    /// <param name="goalVelocity">Minimum velocity at the goal (Gymnasium's <c>goal_velocity</c>, default 0).</param>
    public ContinuousMountainCarEnv(double goalVelocity = 0)
        : base(ActionBox, goalVelocity)
    {
    }

    /// <inheritdoc />
    protected override StepResult StepState(ReadOnlySpan<float> action)
    {
        float force = ReadBoxAction(action, MinAction, MaxAction);

        // v ← v + force·power − 0.0025·cos(3p), clipped to ±max_speed; p ← p + v, clipped to the track;
        // a car stopped by the left wall loses its velocity.
        float forceTerm = force * Power;
        double position;
        double velocity;
        bool atLeftWall;
        bool terminated;
        if (_stateIsFloat32)
        {
            float p = (float)Position;
            float gravityTerm = (float)(0.0025 * Math.Cos(3f * p));
            float v = (float)Velocity + (forceTerm - gravityTerm);
            v = Math.Clamp(v, (float)-MaxSpeed, (float)MaxSpeed);
            p = Math.Clamp(p + v, (float)MinPosition, (float)MaxPosition);
            atLeftWall = p == (float)MinPosition;
            if (atLeftWall && v < 0)
            {
                v = 0;
            }

            // Comparisons with Python floats happen in float32 too.
            terminated = p >= (float)GoalPosition && v >= (float)GoalVelocity;
            (position, velocity) = (p, v);
        }
        else
        {
            double gravityTerm = 0.0025 * Math.Cos(3 * Position);
            velocity = Velocity + (forceTerm - (float)gravityTerm);
            velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
            position = Math.Clamp(Position + velocity, MinPosition, MaxPosition);
            atLeftWall = position == MinPosition;
            if (atLeftWall && velocity < 0)
            {
                velocity = 0;
            }

            terminated = position >= GoalPosition && velocity >= GoalVelocity;
        }

        // self.state = np.array([position, velocity], dtype=np.float32)
        Position = (float)position;
        Velocity = (float)velocity;
        _stateIsFloat32 = true;

        // reward = (100 if terminated else 0) − a²·0.1, in float64 on the unclipped action.
        double reward = (terminated ? 100.0 : 0.0) - ((double)force * force * 0.1);
        return new StepResult(reward, terminated, Truncated: false);
    }

    /// <inheritdoc />
    private protected override void OnStateOverwritten() => _stateIsFloat32 = false;

    /// <inheritdoc />
    private protected override void SaveExtraState(JsonObject state) => state["state_is_float32"] = _stateIsFloat32;

    /// <inheritdoc />
    private protected override void LoadExtraState(JsonObject state) => _stateIsFloat32 = EnvState.ReadBoolean(state, "state_is_float32");
}
