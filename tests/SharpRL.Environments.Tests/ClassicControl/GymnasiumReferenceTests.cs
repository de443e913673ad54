using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;

namespace SharpRL.Environments.Tests.ClassicControl;

// Expected numbers were produced with real NumPy 1.24.2 (/usr/bin/python3, Debian python3-numpy) and
// np._set_promotion_state("weak") to get NumPy 2's NEP 50 rules, running Gymnasium 1.x's classic-control
// reset/step equations with the env's generator built as Gymnasium's seeding.np_random(seed) builds it:
// np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))) (= np.random.default_rng(seed)).
// E.g. CartPole reset(seed=42): np.random.default_rng(42).uniform(-0.05, 0.05, size=(4,)).astype(np.float32).
// Observations are float32 and rewards float64, both compared exactly. The float64 state behind them is
// NumPy's too: squares are taken with Math.Pow, the C pow() that NumPy's ** calls, not x·x (pow(x, 2) is
// not always correctly rounded); Acrobot over 13 seeds × 500 steps matched NumPy 1.24.2's state bit for bit.
public class GymnasiumReferenceTests
{
    [Fact]
    public void CartPole_Seed42FixedActions_MatchesGymnasiumTrajectory()
    {
        int[] actions = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1];
        float[][] expected =
        [
            [0.02739560417830944f, -0.006112155970185995f, 0.03585979342460632f, 0.019736802205443382f],
            [0.02727336250245571f, 0.18847766518592834f, 0.036254528909921646f, -0.26141977310180664f],
            [0.0310429148375988f, -0.007142550311982632f, 0.03102613240480423f, 0.04247424006462097f],
            [0.03090006485581398f, -0.2026953548192978f, 0.0318756178021431f, 0.3447825014591217f],
            [0.026846157386898994f, -0.00804100465029478f, 0.03877126798033714f, 0.062319137156009674f],
            [0.026685336604714394f, 0.18650422990322113f, 0.04001764953136444f, -0.21788351237773895f],
            [0.030415421351790428f, 0.38103196024894714f, 0.03565998002886772f, -0.4976794421672821f],
            [0.03803605958819389f, 0.18542581796646118f, 0.025706391781568527f, -0.19397497177124023f],
            [0.04174457862973213f, 0.3801707923412323f, 0.021826891228556633f, -0.478439062833786f],
            [0.04934799298644066f, 0.1847476065158844f, 0.01225811056792736f, -0.1789575070142746f],
            [0.0530429445207119f, -0.01054760068655014f, 0.008678960613906384f, 0.11756708472967148f],
            [0.052831992506980896f, -0.20579281449317932f, 0.011030302383005619f, 0.4129754602909088f],
            [0.04871613532304764f, -0.010828948579728603f, 0.019289812073111534f, 0.12379029393196106f],
            [0.04849955812096596f, 0.18401141464710236f, 0.02176561765372753f, -0.16274501383304596f],
            [0.052179787307977676f, -0.011415256187319756f, 0.018510717898607254f, 0.13672412931919098f],
            [0.05195147916674614f, -0.20679737627506256f, 0.02124520018696785f, 0.4351889491081238f],
            [0.047815531492233276f, -0.01198253408074379f, 0.02994897961616516f, 0.14927825331687927f],
            [0.04757588356733322f, 0.18269804120063782f, 0.03293454274535179f, -0.133807972073555f],
            [0.05122984200716019f, 0.3773331344127655f, 0.030258383601903915f, -0.41592130064964294f],
            [0.058776505291461945f, 0.18179570138454437f, 0.0219399593770504f, -0.1138547956943512f],
            [0.06241241842508316f, 0.37659651041030884f, 0.01966286264359951f, -0.3995358645915985f],
            [0.0699443519115448f, 0.18120123445987701f, 0.011672145687043667f, -0.10071908682584763f],
            [0.07356837391853333f, -0.014086033217608929f, 0.009657763876020908f, 0.19562339782714844f],
            [0.07328665256500244f, -0.2093447893857956f, 0.013570231385529041f, 0.49133720993995667f],
            [0.06909976154565811f, -0.014416861347854137f, 0.02339697629213333f, 0.2029617577791214f],
            [0.06881142407655716f, 0.18036280572414398f, 0.027456210926175117f, -0.08224968612194061f],
            [0.07241867482662201f, -0.015141747891902924f, 0.025811217725276947f, 0.2189677208662033f],
            [0.07211584597826004f, -0.21062296628952026f, 0.030190572142601013f, 0.5196795463562012f],
            [0.06790338456630707f, -0.015938760712742805f, 0.04058416187763214f, 0.23666098713874817f],
            [0.06758461147546768f, 0.17858058214187622f, 0.045317381620407104f, -0.04294929653406143f],
            [0.07115621864795685f, 0.3730243742465973f, 0.04445839673280716f, -0.32099682092666626f],
            [0.07861670851707458f, 0.1772984266281128f, 0.0380384586751461f, -0.014631519094109535f],
            [0.08216267824172974f, 0.3718548119068146f, 0.03774582967162132f, -0.29507434368133545f],
            [0.08959977328777313f, 0.17621561884880066f, 0.03184434399008751f, 0.00927001889795065f],
            [0.09312408417463303f, -0.019348202273249626f, 0.03202974423766136f, 0.311827689409256f],
            [0.0927371233701706f, -0.21491147577762604f, 0.038266297429800034f, 0.6144372820854187f],
            [0.08843889087438583f, -0.020344533026218414f, 0.050555042922496796f, 0.3340480625629425f],
        ];
        AssertTrajectory(new CartPoleEnv(), 42, actions.Select(a => new[] { (float)a }).ToArray(), expected, [.. Enumerable.Repeat(1.0, actions.Length)]);
    }

    [Fact]
    public void CartPole_Seed0AlwaysRight_TerminatesOnGymnasiumsStepWithRewardOne()
    {
        // Gymnasium: reset(seed=0), then action 1 until terminated: the 8th step terminates with reward 1.0.
        using var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, seed: 0);
        StepResult result = default;
        int steps = 0;
        while (!result.Terminated && steps < 100)
        {
            result = env.Step([1f], observation);
            steps++;
        }

        Assert.Equal(8, steps);
        Assert.Equal(1.0, result.Reward);
        Assert.False(result.Truncated);
        Assert.Equal([0.1197117418050766f, 1.5452879667282104f, -0.22820539772510529f, -2.6052160263061523f], observation);
    }

    [Fact]
    public void CartPole_UnseededSecondReset_ContinuesTheGeneratorStream()
    {
        // NumPy: g = np.random.default_rng(42); g.uniform(-0.05, 0.05, size=(4,)); g.uniform(-0.05, 0.05, size=(4,)).
        using var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, seed: 42);
        env.Reset(observation);
        Assert.Equal([-0.040582265704870224f, 0.04756223410367966f, 0.026113970205187798f, 0.02860642969608307f], observation);
    }

    [Fact]
    public void Acrobot_Seed42FixedActions_MatchesGymnasiumTrajectory()
    {
        int[] actions = [2, 0, 1, 2, 2, 0, 0, 1, 2, 0];
        float[][] expected =
        [
            [0.99849933385849f, 0.0547637976706028f, 0.9999252557754517f, -0.012224007397890091f, 0.07171958684921265f, 0.039473604410886765f],
            [0.9988263249397278f, 0.04843549802899361f, 0.9993363618850708f, 0.03642500936985016f, -0.13198231160640717f, 0.43717727065086365f],
            [0.9994958639144897f, 0.031749919056892395f, 0.996269941329956f, 0.08629172295331955f, -0.030347270891070366f, 0.05186467245221138f],
            [0.9997185468673706f, 0.0237232968211174f, 0.9959287047386169f, 0.09014444053173065f, -0.04819977656006813f, -0.015068184584379196f],
            [1.0f, -7.85296606409247e-07f, 0.9934881329536438f, 0.11393561214208603f, -0.1833004653453827f, 0.24603143334388733f],
            [0.9989445209503174f, -0.045932456851005554f, 0.983320415019989f, 0.18188156187534332f, -0.26455914974212646f, 0.4218333959579468f],
            [0.9972524046897888f, -0.074078768491745f, 0.9789061546325684f, 0.20431043207645416f, -0.011467649601399899f, -0.20040519535541534f],
            [0.9987180233001709f, -0.05061941593885422f, 0.9944917559623718f, 0.104814812541008f, 0.23880265653133392f, -0.7865940928459167f],
            [0.9999973773956299f, 0.0022883890196681023f, 0.9981483221054077f, -0.06082664802670479f, 0.27420949935913086f, -0.8347174525260925f],
            [0.9992361664772034f, 0.03907831758260727f, 0.9839507341384888f, -0.17844046652317047f, 0.0833149254322052f, -0.3259461522102356f],
            [0.9982140064239502f, 0.05973983183503151f, 0.9679485559463501f, -0.25114861130714417f, 0.11699872463941574f, -0.40268993377685547f],
        ];
        AssertTrajectory(new AcrobotEnv(), 42, actions.Select(a => new[] { (float)a }).ToArray(), expected, [.. Enumerable.Repeat(-1.0, actions.Length)]);
    }

    [Fact]
    public void Acrobot_Seed0LongPumping_EndsWhereGymnasiumEnds()
    {
        // Gymnasium: reset(seed=0), 480 steps of actions [2, 2, 2, 2, 0, 0, 0, 0] repeated: no termination.
        using var env = new AcrobotEnv();
        var observation = new float[6];
        env.Reset(observation, seed: 0);
        for (int t = 0; t < 480; t++)
        {
            StepResult result = env.Step([(t % 8) < 4 ? 2f : 0f], observation);
            Assert.False(result.Terminated);
        }

        float[] expected = [0.985413670539856f, -0.17017604410648346f, 0.9600651264190674f, 0.27977651357650757f, 0.1993076056241989f, -0.6558791399002075f];
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expected[i], observation[i], 1e-6f);
        }
    }

    [Fact]
    public void MountainCar_Seed42FixedActions_MatchesGymnasiumTrajectory()
    {
        int[] actions = [2, 2, 0, 1, 2, 0, 0, 2];
        float[][] expected =
        [
            [-0.4452087879180908f, 0.0f],
            [-0.444791316986084f, 0.00041747934301383793f],
            [-0.44395938515663147f, 0.0008319141925312579f],
            [-0.4447191059589386f, -0.0007597148651257157f],
            [-0.44606491923332214f, -0.0013458064058795571f],
            [-0.44698700308799744f, -0.0009220809442922473f],
            [-0.4494786262512207f, -0.0024916238617151976f],
            [-0.45352157950401306f, -0.004042955581098795f],
            [-0.4570862352848053f, -0.003564671380445361f],
        ];
        AssertTrajectory(new MountainCarEnv(), 42, actions.Select(a => new[] { (float)a }).ToArray(), expected, [.. Enumerable.Repeat(-1.0, actions.Length)]);
    }

    [Fact]
    public void MountainCarContinuous_Seed42FixedActions_MatchesGymnasiumTrajectory()
    {
        float[] actions = [1.0f, -0.5f, 0.25f, 0.9f, -1.0f, 0.3f];
        float[][] expected =
        [
            [-0.4452087879180908f, 0.0f],
            [-0.4442913234233856f, 0.0009174793376587331f],
            [-0.4447130560874939f, -0.00042173085967078805f],
            [-0.4453459084033966f, -0.0006328666931949556f],
            [-0.4452103078365326f, 0.0001356127322651446f],
            [-0.44715720415115356f, -0.0019468970131129026f],
            [-0.4492224156856537f, -0.002065196866169572f],
        ];
        double[] rewards = [-0.1, -0.025, -0.00625, -0.08099999570846564, -0.1, -0.009000000715255752];
        AssertTrajectory(new ContinuousMountainCarEnv(), 42, actions.Select(a => new[] { a }).ToArray(), expected, rewards);
    }

    [Fact]
    public void Pendulum_Seed42FixedActions_MatchesGymnasiumTrajectory()
    {
        float[] actions = [2.0f, -1.5f, 0.3f, 0.0f, -2.0f, 1.1f];
        float[][] expected =
        [
            [-0.14995256066322327f, 0.9886931777000427f, -0.12224312126636505f],
            [-0.19522231817245483f, 0.9807590246200562f, 0.919276773929596f],
            [-0.2647806406021118f, 0.9643086791038513f, 1.4298460483551025f],
            [-0.36895114183425903f, 0.9294487833976746f, 2.198077440261841f],
            [-0.49916815757751465f, 0.8665051460266113f, 2.8951640129089355f],
            [-0.6325883269309998f, 0.7744882106781006f, 3.2450430393218994f],
            [-0.7735577821731567f, 0.6337258219718933f, 3.9909090995788574f],
        ];
        double[] rewards = [-2.968425241430033, -3.2100371953612834, -3.585621229485163, -4.280495121121294, -5.2246669755810835, -6.142364200035352];
        AssertTrajectory(new PendulumEnv(), 42, actions.Select(a => new[] { a }).ToArray(), expected, rewards);
    }

    // Acrobot's float64 state after RK4 steps, seed 9, actions drawn with np.random.default_rng(1009).integers(3):
    // Gymnasium's step on NumPy 1.24.2 gave these doubles (repr), which SharpRL must reproduce to the last bit.
    // With x·x in place of pow for the squares the state first differs at step 227 (seed 9 is one of 5 of 13
    // seeds that diverge within 500 steps that way), so the check at 228 and 240 tells the two apart.
    [Fact]
    public void Acrobot_Seed9_Float64StateMatchesNumPysBitForBit()
    {
        int[] actions = [2, 0, 1, 0, 0, 0, 1, 0, 2, 2, 1, 1, 2, 1, 0, 1, 0, 0, 2, 0, 2, 2, 2, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, 2, 1, 1, 0, 0, 2, 0, 1, 0, 2, 1, 2, 2, 1, 2, 1, 1, 0, 2, 0, 0, 0, 1, 1, 1, 2, 0, 2, 2, 2, 0, 0, 0, 1, 0, 0, 2, 1, 1, 1, 2, 2, 2, 2, 1, 2, 2, 0, 2, 2, 1, 1, 2, 0, 2, 0, 1, 0, 1, 0, 2, 1, 0, 0, 2, 0, 0, 2, 1, 2, 1, 2, 2, 0, 0, 2, 1, 1, 1, 2, 0, 0, 0, 2, 2, 2, 0, 2, 1, 0, 1, 1, 1, 0, 2, 1, 0, 2, 0, 2, 0, 0, 1, 0, 0, 2, 1, 1, 0, 1, 2, 2, 1, 0, 1, 0, 2, 0, 0, 0, 1, 2, 0, 2, 2, 2, 0, 0, 2, 0, 0, 1, 1, 2, 1, 0, 0, 1, 0, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 2, 1, 0, 2, 2, 0, 1, 0, 1, 2, 0, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 0, 1, 1, 0, 2, 0, 0, 0, 2, 1, 2, 1, 0, 0, 1, 0, 2, 0, 0, 1, 2, 1, 2, 1, 0, 2, 2, 2, 2, 0, 1, 2];
        var expected = new Dictionary<int, double[]>
        {
            [120] = [0.7134350464077224, -0.6371066279451174, -1.824664150697776, 3.063604753327067],
            [228] = [0.48560163195312595, -0.9627696489572886, 1.677338958539693, -2.5893080958543973],
            [240] = [0.3616177828857484, -0.40080487764207906, 1.9449346176114481, -3.571824054947024],
        };
        using var env = new AcrobotEnv();
        var observation = new float[6];
        env.Reset(observation, seed: 9);
        for (int t = 1; t <= actions.Length; t++)
        {
            env.Step([actions[t - 1]], observation);
            if (expected.TryGetValue(t, out double[]? state))
            {
                (double theta1, double theta2, double dTheta1, double dTheta2) = env.State;
                Assert.Equal(state.Select(BitConverter.DoubleToInt64Bits), new[] { theta1, theta2, dTheta1, dTheta2 }.Select(BitConverter.DoubleToInt64Bits));
            }
        }
    }

    private static void AssertTrajectory(IEnv env, int seed, float[][] actions, float[][] expectedObservations, double[] expectedRewards)
    {
        using (env)
        {
            var observation = new float[env.ObservationSpace.FlatSize];
            env.Reset(observation, seed: seed);
            Assert.Equal(expectedObservations[0], observation);
            for (int t = 0; t < actions.Length; t++)
            {
                StepResult result = env.Step(actions[t], observation);
                Assert.Equal(expectedObservations[t + 1], observation);

                // Rewards are the same float64 terms in the same order, squares included (NumPy's ** is C's pow,
                // as Math.Pow is): equal to the last bit.
                Assert.Equal(BitConverter.DoubleToInt64Bits(expectedRewards[t]), BitConverter.DoubleToInt64Bits(result.Reward));
                Assert.False(result.Terminated);
                Assert.False(result.Truncated);
            }
        }
    }
}
