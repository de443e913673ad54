using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;

namespace SharpRL.Environments.Tests.ClassicControl;

// One step from a chosen state, recomputed here in double from the published equations
// (independently of the env code), compared with a stated tolerance.
public class DynamicsTests
{
    [Fact]
    public void CartPoleStep_FromChosenState_FollowsEulerOnFloriansEquations()
    {
        const double x = 0.1, xDot = -0.3, theta = 0.05, thetaDot = 0.4;
        using var env = new CartPoleEnv();
        env.SetState(x, xDot, theta, thetaDot);
        var observation = new float[4];
        StepResult result = env.Step([0f], observation);

        // m_c = 1, m_p = 0.1, l = 0.5 (half length), g = 9.8, F = −10 (action 0), τ = 0.02.
        double force = -10, totalMass = 1.1, poleMassLength = 0.05;
        double temp = (force + (poleMassLength * thetaDot * thetaDot * Math.Sin(theta))) / totalMass;
        double thetaAcc = ((9.8 * Math.Sin(theta)) - (Math.Cos(theta) * temp)) / (0.5 * ((4.0 / 3.0) - (0.1 * Math.Cos(theta) * Math.Cos(theta) / totalMass)));
        double xAcc = temp - (poleMassLength * thetaAcc * Math.Cos(theta) / totalMass);
        (double X, double XDot, double Theta, double ThetaDot) state = env.State;
        Assert.Equal(x + (0.02 * xDot), state.X, 1e-12);
        Assert.Equal(xDot + (0.02 * xAcc), state.XDot, 1e-12);
        Assert.Equal(theta + (0.02 * thetaDot), state.Theta, 1e-12);
        Assert.Equal(thetaDot + (0.02 * thetaAcc), state.ThetaDot, 1e-12);
        Assert.Equal((float)state.ThetaDot, observation[3]);
        Assert.Equal(1.0, result.Reward);
        Assert.False(result.Terminated);
    }

    [Theory]
    [InlineData(2.39, 1.0, 0.0, 0.0, true)]
    [InlineData(0.0, 0.0, 0.2, 1.0, true)]
    [InlineData(0.0, 0.0, 0.2, -1.0, false)]
    public void CartPoleStep_PastThresholds_Terminates(double x, double xDot, double theta, double thetaDot, bool expected)
    {
        // Terminal when |x| > 2.4 or |θ| > 12° = 0.20944 rad after the Euler update.
        using var env = new CartPoleEnv();
        env.SetState(x, xDot, theta, thetaDot);
        StepResult result = env.Step([1f], new float[4]);
        Assert.Equal(expected, result.Terminated);
        Assert.Equal(1.0, result.Reward);
    }

    [Fact]
    public void CartPoleStep_SuttonBartoReward_ZeroThenMinusOneOnTermination()
    {
        using var env = new CartPoleEnv(suttonBartoReward: true);
        env.SetState(0, 0, 0, 0);
        Assert.Equal(0.0, env.Step([1f], new float[4]).Reward);
        env.SetState(0, 0, 0.2, 1.0);
        StepResult result = env.Step([1f], new float[4]);
        Assert.True(result.Terminated);
        Assert.Equal(-1.0, result.Reward);
    }

    [Fact]
    public void AcrobotStep_FromChosenState_FollowsRk4OnBookDynamics()
    {
        double[] s0 = [0.3, -0.2, 0.5, -0.7];
        using var env = new AcrobotEnv();
        env.SetState(s0[0], s0[1], s0[2], s0[3]);
        var observation = new float[6];
        StepResult result = env.Step([2f], observation);

        double[] expected = Rk4(s => AcrobotBook(s, torque: 1.0), s0, 0.2);
        (double Theta1, double Theta2, double DTheta1, double DTheta2) state = env.State;
        Assert.Equal(expected[0], state.Theta1, 1e-12);
        Assert.Equal(expected[1], state.Theta2, 1e-12);
        Assert.Equal(expected[2], state.DTheta1, 1e-12);
        Assert.Equal(expected[3], state.DTheta2, 1e-12);
        Assert.Equal((float)Math.Cos(state.Theta1), observation[0]);
        Assert.Equal((float)Math.Sin(state.Theta2), observation[3]);
        Assert.Equal(-1.0, result.Reward);
    }

    [Fact]
    public void AcrobotStep_AngleBeyondPi_WrapsByTwoPi()
    {
        double[] s0 = [Math.PI - 0.01, 0, 5.0, 0];
        using var env = new AcrobotEnv();
        env.SetState(s0[0], s0[1], s0[2], s0[3]);
        env.Step([1f], new float[6]);
        double unwrapped = Rk4(s => AcrobotBook(s, torque: 0.0), s0, 0.2)[0];
        Assert.True(unwrapped > Math.PI, "the chosen state must carry θ1 past π");
        Assert.Equal(unwrapped - (2 * Math.PI), env.State.Theta1, 1e-12);
    }

    [Fact]
    public void AcrobotStep_HugeVelocities_BoundedToFourPiAndNinePi()
    {
        using var env = new AcrobotEnv();
        env.SetState(0, 0, 100.0, -100.0);
        env.Step([1f], new float[6]);
        Assert.InRange(env.State.DTheta1, -4 * Math.PI, 4 * Math.PI);
        Assert.InRange(env.State.DTheta2, -9 * Math.PI, 9 * Math.PI);
        Assert.True(Math.Abs(env.State.DTheta1) == 4 * Math.PI || Math.Abs(env.State.DTheta2) == 9 * Math.PI, "at least one velocity should hit its bound");
    }

    [Fact]
    public void AcrobotStep_FreeEndAboveLine_TerminatesWithRewardZero()
    {
        // Both links nearly upright: −cos θ1 − cos(θ1 + θ2) ≈ 2 > 1.
        using var env = new AcrobotEnv();
        env.SetState(Math.PI - 0.05, 0, 0, 0);
        StepResult result = env.Step([1f], new float[6]);
        Assert.True(result.Terminated);
        Assert.Equal(0.0, result.Reward);
    }

    [Fact]
    public void MountainCarStep_FromChosenState_FollowsTheUpdateRule()
    {
        using var env = new MountainCarEnv();
        env.SetState(-0.5, 0.01);
        var observation = new float[2];
        StepResult result = env.Step([2f], observation);

        // v' = v + (a − 1)·0.001 − 0.0025·cos(3p); p' = p + v'
        double velocity = 0.01 + 0.001 - (0.0025 * Math.Cos(-1.5));
        Assert.Equal(velocity, env.State.Velocity, 1e-15);
        Assert.Equal(-0.5 + velocity, env.State.Position, 1e-15);
        Assert.Equal(-1.0, result.Reward);
        Assert.False(result.Terminated);
    }

    [Fact]
    public void MountainCarStep_HitsLeftWall_StopsTheCar()
    {
        using var env = new MountainCarEnv();
        env.SetState(-1.19, -0.03);
        env.Step([0f], new float[2]);
        Assert.Equal((-1.2, 0.0), env.State);
    }

    [Fact]
    public void MountainCarStep_ReachesGoal_TerminatesWithMinusOne()
    {
        using var env = new MountainCarEnv();
        env.SetState(0.49, 0.02);
        StepResult result = env.Step([2f], new float[2]);
        Assert.True(result.Terminated);
        Assert.Equal(-1.0, result.Reward);
    }

    [Fact]
    public void MountainCarStep_SpeedAboveLimit_IsClipped()
    {
        using var env = new MountainCarEnv();
        env.SetState(-0.5, 0.0699);
        env.Step([2f], new float[2]);
        Assert.Equal(0.07, env.State.Velocity);
    }

    [Fact]
    public void ContinuousMountainCarStep_FromChosenState_FollowsTheUpdateRule()
    {
        using var env = new ContinuousMountainCarEnv();
        env.SetState(-0.5, 0.01);
        var observation = new float[2];
        StepResult result = env.Step([0.5f], observation);

        // v' = v + a·0.0015 − 0.0025·cos(3p); p' = p + v'; reward −0.1·a². Stored as float32.
        double velocity = 0.01 + (0.5 * 0.0015) - (0.0025 * Math.Cos(-1.5));
        Assert.Equal(velocity, observation[1], 1e-9);
        Assert.Equal(-0.5 + velocity, observation[0], 1e-7);
        Assert.Equal(-0.025, result.Reward, 1e-12);
    }

    [Fact]
    public void ContinuousMountainCarStep_ReachesGoal_TerminatesWithBonus()
    {
        using var env = new ContinuousMountainCarEnv();
        env.SetState(0.44, 0.02);
        StepResult result = env.Step([1f], new float[2]);
        Assert.True(result.Terminated);
        Assert.Equal(100.0 - 0.1, result.Reward, 1e-12);
    }

    [Fact]
    public void ContinuousMountainCarStep_HitsLeftWall_StopsTheCar()
    {
        using var env = new ContinuousMountainCarEnv();
        env.SetState(-1.19, -0.03);
        var observation = new float[2];
        env.Step([-1f], observation);
        Assert.Equal([-1.2f, 0f], observation);
    }

    [Fact]
    public void PendulumStep_FromChosenState_FollowsTheUpdateRuleAndCost()
    {
        using var env = new PendulumEnv();
        env.SetState(1.0, 0.5);
        var observation = new float[3];
        StepResult result = env.Step([1.5f], observation);

        // θ̇' = θ̇ + (3g/(2l)·sinθ + 3/(ml²)·u)·dt; θ' = θ + θ̇'·dt; cost = θ² + 0.1·θ̇² + 0.001·u².
        double thetaDot = 0.5 + (((15.0 * Math.Sin(1.0)) + (3.0 * 1.5)) * 0.05);
        Assert.Equal(thetaDot, env.State.ThetaDot, 1e-12);
        Assert.Equal(1.0 + (thetaDot * 0.05), env.State.Theta, 1e-12);
        Assert.Equal(-(1.0 + (0.1 * 0.25) + (0.001 * 2.25)), result.Reward, 1e-9);
        Assert.Equal((float)Math.Cos(env.State.Theta), observation[0]);
        Assert.False(result.Terminated);
    }

    [Fact]
    public void PendulumStep_AngleOutsidePi_IsNormalisedInTheCost()
    {
        using var env = new PendulumEnv();
        env.SetState(4.0, 0.0);
        StepResult result = env.Step([0f], new float[3]);
        double normalized = 4.0 - (2 * Math.PI);
        Assert.Equal(-(normalized * normalized), result.Reward, 1e-12);
    }

    [Fact]
    public void PendulumStep_FastSpin_VelocityClippedAtEight()
    {
        using var env = new PendulumEnv();
        env.SetState(Math.PI / 2, 7.9);
        env.Step([2f], new float[3]);
        Assert.Equal(8.0, env.State.ThetaDot);
    }

    // Sutton & Barto's acrobot (book version of the θ̈2 equation), written out plainly.
    private static double[] AcrobotBook(double[] s, double torque)
    {
        double m1 = 1, m2 = 1, l1 = 1, lc1 = 0.5, lc2 = 0.5, i1 = 1, i2 = 1, g = 9.8;
        double t1 = s[0], t2 = s[1], w1 = s[2], w2 = s[3];
        double d1 = (m1 * lc1 * lc1) + (m2 * ((l1 * l1) + (lc2 * lc2) + (2 * l1 * lc2 * Math.Cos(t2)))) + i1 + i2;
        double d2 = (m2 * ((lc2 * lc2) + (l1 * lc2 * Math.Cos(t2)))) + i2;
        double phi2 = m2 * lc2 * g * Math.Cos(t1 + t2 - (Math.PI / 2));
        double phi1 = (-m2 * l1 * lc2 * w2 * w2 * Math.Sin(t2)) - (2 * m2 * l1 * lc2 * w2 * w1 * Math.Sin(t2))
            + (((m1 * lc1) + (m2 * l1)) * g * Math.Cos(t1 - (Math.PI / 2))) + phi2;
        double a2 = (torque + (d2 / d1 * phi1) - (m2 * l1 * lc2 * w1 * w1 * Math.Sin(t2)) - phi2) / ((m2 * lc2 * lc2) + i2 - (d2 * d2 / d1));
        double a1 = -((d2 * a2) + phi1) / d1;
        return [w1, w2, a1, a2];
    }

    private static double[] Rk4(Func<double[], double[]> f, double[] y, double h)
    {
        static double[] Axpy(double[] y, double a, double[] k) => [.. y.Select((v, i) => v + (a * k[i]))];
        double[] k1 = f(y);
        double[] k2 = f(Axpy(y, h / 2, k1));
        double[] k3 = f(Axpy(y, h / 2, k2));
        double[] k4 = f(Axpy(y, h, k3));
        return [.. y.Select((v, i) => v + (h / 6 * (k1[i] + (2 * k2[i]) + (2 * k3[i]) + k4[i])))];
    }
}
