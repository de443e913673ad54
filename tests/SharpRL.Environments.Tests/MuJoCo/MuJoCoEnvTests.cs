using SharpRL.Environments.MuJoCo;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;
using SharpRL.Rng;
using SharpRL.Spaces;

namespace SharpRL.Environments.Tests.MuJoCo;

public class MuJoCoEnvTests
{
    // Gymnasium's observation and action sizes (its docs and observation_space shapes).
    public static TheoryData<string, int, int, int?> Sizes => new()
    {
        { "Hopper-v4", 11, 3, 1000 }, { "Hopper-v5", 11, 3, 1000 },
        { "HalfCheetah-v4", 17, 6, 1000 }, { "HalfCheetah-v5", 17, 6, 1000 },
        { "Walker2d-v4", 17, 6, 1000 }, { "Walker2d-v5", 17, 6, 1000 },
        { "Ant-v4", 27, 8, 1000 }, { "Ant-v5", 105, 8, 1000 },
        { "Swimmer-v4", 8, 2, 1000 }, { "Swimmer-v5", 8, 2, 1000 },
        { "InvertedPendulum-v4", 4, 1, 1000 }, { "InvertedPendulum-v5", 4, 1, 1000 },
        { "InvertedDoublePendulum-v4", 11, 1, 1000 }, { "InvertedDoublePendulum-v5", 9, 1, 1000 },
        { "Reacher-v4", 11, 2, 50 }, { "Reacher-v5", 10, 2, 50 },
        { "Pusher-v4", 23, 7, 100 }, { "Pusher-v5", 23, 7, 100 },
        { "Humanoid-v4", 376, 17, 1000 }, { "Humanoid-v5", 348, 17, 1000 },
        { "HumanoidStandup-v4", 376, 17, 1000 }, { "HumanoidStandup-v5", 348, 17, 1000 },
    };

    [SkippableTheory]
    [MemberData(nameof(Sizes))]
    public void Make_EveryId_HasGymnasiumsSpacesAndTimeLimitAndSteps(string id, int observationSize, int actionSize, int? timeLimit)
    {
        MuJoCoRequirement.Require();
        using IEnv env = Gym.Make(id);
        Assert.Equal(observationSize, env.ObservationSpace.FlatSize);
        Assert.Equal(actionSize, env.ActionSpace.FlatSize);
        Assert.Equal(timeLimit, env.Spec?.MaxEpisodeSteps);
        var observation = new float[observationSize];
        var action = new float[actionSize];
        env.Reset(observation, seed: 0);
        var random = NumpyGenerator.Create(1);
        for (int t = 0; t < 20; t++)
        {
            env.ActionSpace.Sample(action, random);
            StepResult result = env.Step(action, observation);
            Assert.True(double.IsFinite(result.Reward));
            if (result.Done)
            {
                env.Reset(observation);
            }
        }
    }

    [SkippableFact]
    public void Reset_HopperSeed42_QposQvelAreNumpysNoiseBitForBit()
    {
        MuJoCoRequirement.Require();

        // NumPy 1.24.2: g = np.random.default_rng(42); [0, 1.25, 0, 0, 0, 0] + g.uniform(-5e-3, 5e-3, 6); g.uniform(-5e-3, 5e-3, 6).
        ulong[] qpos = [0x3F667146561BCA9AUL, 0x3FF3FD7F180F9FEEUL, 0x3F6D6057EC4C6EBEUL, 0x3F602B1B89A0A402UL, 0xBF709F5BE301FCE1UL, 0x3F737B430748C3BBUL];
        ulong[] qvel = [0x3F65647F1983F3ECUL, 0x3F676F340B6DF9C6UL, 0xBF6E7705BB5B1394UL, 0xBF4041EDDEECD4D8UL, 0xBF552B1FA6B8432AUL, 0x3F717AF48B3AAD5FUL];
        using var env = new HopperEnv();
        env.Reset(new float[11], seed: 42);
        Assert.Equal(qpos, Bits(env.Qpos));
        Assert.Equal(qvel, Bits(env.Qvel));
        Assert.Equal(env.Qpos[1..].ToArray(), env.Observation64[..5].ToArray());
    }

    [SkippableFact]
    public void Reset_HalfCheetahSeed3_UsesNumpysExactNormals()
    {
        MuJoCoRequirement.Require();

        // NumPy 1.24.2: g = np.random.default_rng(3); g.uniform(-0.1, 0.1, 9); 0.1 * g.standard_normal(9).
        ulong[] qpos = [0xBFB536FAAF3CD9DAUL, 0xBFAAF35ACABA6CE0UL, 0x3FAED9BAB612925CUL, 0x3F90D3A82E4B9E68UL, 0xBFB4C7D649979532UL, 0xBF8B64260777EE28UL, 0xBF712942DE031720UL, 0xBFB16BDEBEBF3E2CUL, 0x3FA8054C9D7A0048UL];
        ulong[] qvel = [0x3FD544670437207DUL, 0x3F971EDC4FE01ADFUL, 0xBFA20E0099DA1823UL, 0xBF9CCDC7E8B1CCC4UL, 0xBFB11A1BC8E0018FUL, 0xBFBB0308DEFA6DBDUL, 0xBFA4024E7B4B2536UL, 0x3FA8ACF4606B3F20UL, 0xBF986D8A276E208EUL];
        using var env = new HalfCheetahEnv(5);
        env.Reset(new float[17], seed: 3);
        Assert.Equal(qpos, Bits(env.Qpos));
        Assert.Equal(qvel, Bits(env.Qvel));
    }

    [SkippableFact]
    public void Reset_AntSeed7_AddsNumpysNoiseToQpos0()
    {
        MuJoCoRequirement.Require();

        // NumPy 1.24.2: g = np.random.default_rng(7); g.uniform(-0.1, 0.1, 15); 0.1 * g.standard_normal(14).
        ulong[] qposNoise = [0x3F999E9AEE5B1DD0UL, 0x3FB4565C58EFD47CUL, 0x3FAC3AEF596E6ACCUL, 0xBFAC238754DDD58DUL, 0xBFA476855C60B6ADUL, 0x3FB3203D5E41CBA0UL, 0xBFB954962B6ADFACUL, 0x3FB07267B64CCA00UL, 0x3FAE6B7F3073DC0CUL, 0xBF7A44871C6B3F50UL, 0xBFA42B630212CB44UL, 0xBFA6B0708BDD0514UL, 0xBFA919F259B65384UL, 0xBF867F2AB003E868UL, 0x3F4DCEB6590A6500UL];
        ulong[] qvel = [0x3FB1CCBD3019AB21UL, 0xBFC134B8E3F847ACUL, 0xBFA76E0FB18F74E8UL, 0xBFC855ED3A7E289CUL, 0xBFC0818EA8F77A68UL, 0xBFC792FF53C2B95AUL, 0xBF9812C5DFD17314UL, 0xBFC0392B2B5C8E77UL, 0x3F9BC7084BE243CAUL, 0x3F900D22BC43F185UL, 0xBF9324485584B6EFUL, 0xBFD01B75883F2208UL, 0xBFAB94C16A0CBD94UL, 0xBF73DDB156EA9275UL];
        using var env = new AntEnv(4);
        double[] qpos0 = env.Qpos.ToArray();
        Assert.Equal([0, 0, 0.75, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], qpos0);
        env.Reset(new float[27], seed: 7);
        double[] drawn = [.. qpos0.Zip(qposNoise, (q, n) => q + BitConverter.UInt64BitsToDouble(n))];

        // Positions and joint angles are qpos0 + noise exactly; the root quaternion qpos[3:7] is normalised
        // in place by MuJoCo 2.2.2's mj_forward (inside set_state, so Gymnasium sees the same).
        Assert.Equal(Bits(drawn.AsSpan(0, 3)), Bits(env.Qpos[..3]));
        Assert.Equal(Bits(drawn.AsSpan(7)), Bits(env.Qpos[7..]));
        double norm = Math.Sqrt(drawn.Skip(3).Take(4).Sum(q => q * q));
        for (int i = 3; i < 7; i++)
        {
            Assert.Equal(drawn[i] / norm, env.Qpos[i], 1e-15);
        }

        Assert.Equal(qvel, Bits(env.Qvel));
    }

    [SkippableFact]
    public void Reset_ReacherSeed5_DrawsTheGoalLikeGymnasium()
    {
        MuJoCoRequirement.Require();

        // NumPy 1.24.2: g = np.random.default_rng(5); qpos = g.uniform(-.1, .1, 4) + qpos0; goal redrawn by
        // g.uniform(-.2, .2, 2) until its norm is < 0.2; qvel = g.uniform(-.005, .005, 4) with qvel[-2:] = 0.
        ulong[] qpos = [0x3FAF3B77F9117D28UL, 0x3FAF887BA868B83CUL, 0xBFC6D6B831010C64UL, 0xBFA7E2D4622D7B34UL];
        ulong[] qvel = [0xBF4DFDD2F27808D0UL, 0xBF72A0229B56CAB1UL, 0UL, 0UL];
        using var env = new ReacherEnv(4);
        env.Reset(new float[11], seed: 5);
        Assert.Equal(qpos, Bits(env.Qpos));
        Assert.Equal(qvel, Bits(env.Qvel));
    }

    [SkippableFact]
    public void Reset_InvertedDoublePendulumSeed11_MatchesNumpy()
    {
        MuJoCoRequirement.Require();

        // NumPy 1.24.2: g = np.random.default_rng(11); g.uniform(-0.1, 0.1, 3); g.standard_normal(3) * 0.1.
        ulong[] qpos = [0xBFB30467965F8CA5UL, 0xBF22EE2EE1943600UL, 0x3F94C96FE545A380UL];
        ulong[] qvel = [0xBFAA20B26924E255UL, 0xBF9E83178A29B51AUL, 0xBFAB0087B44D1A4CUL];
        using var env = new InvertedDoublePendulumEnv(4);
        env.Reset(new float[11], seed: 11);
        Assert.Equal(qpos, Bits(env.Qpos));
        Assert.Equal(qvel, Bits(env.Qvel));
        Assert.Equal(Math.Sin(env.Qpos[1]), env.Observation64[1]);
        Assert.Equal(Math.Cos(env.Qpos[2]), env.Observation64[4]);
    }

    [SkippableFact]
    public void Step_HopperV5_InfoHasGymnasiumsKeysAndTerms()
    {
        MuJoCoRequirement.Require();
        using IEnv env = Gym.Make("Hopper-v5");
        var info = (IStepInfoEnv)env;
        Assert.Equal(["x_position", "z_distance_from_origin", "x_velocity", "reward_forward", "reward_ctrl", "reward_survive"], info.InfoKeys);
        var values = new double[6];
        var observation = new float[11];
        env.Reset(observation, seed: 1);
        info.GetInfo(values);
        var hopper = (HopperEnv)((Wrapper)env).Unwrapped;
        Assert.Equal(hopper.Qpos[0], values[0]);
        Assert.Equal(hopper.Qpos[1] - 1.25, values[1]);
        Assert.True(double.IsNaN(values[2]), "reset reports no velocity");

        double x0 = hopper.Qpos[0];
        float[] action = [0.5f, -0.25f, 1.5f];
        StepResult result = env.Step(action, observation);
        info.GetInfo(values);
        Assert.Equal(hopper.Qpos[0], values[0]);
        Assert.Equal((hopper.Qpos[0] - x0) / 0.008, values[2]);
        Assert.Equal(values[2], values[3]);

        // The control cost uses the unclipped action (1.5 > 1), in float32: 1e-3f · (0.25f + 0.0625f + 2.25f).
        float ctrl = 1e-3f * (0.25f + 0.0625f + 2.25f);
        Assert.Equal(-(double)ctrl, values[4]);
        Assert.Equal(1.0, values[5]);
        Assert.Equal(values[3] + values[5] + values[4], result.Reward);
    }

    [SkippableFact]
    public void Make_V5Options_ChangeTheEnvAndUnknownOptionsAreRefused()
    {
        MuJoCoRequirement.Require();
        var options = new Dictionary<string, object> { ["exclude_current_positions_from_observation"] = "false", ["frame_skip"] = "2", ["healthy_z_range"] = "(0.5, inf)" };
        using (IEnv env = Gym.Make("Hopper-v5", options))
        {
            Assert.Equal(12, env.ObservationSpace.FlatSize);
            var hopper = (HopperEnv)((Wrapper)env).Unwrapped;
            Assert.Equal(0.004, hopper.Dt);
        }

        var error = Assert.Throws<ArgumentException>(() => Gym.Make("Hopper-v5", new Dictionary<string, object> { ["ctrl_cost"] = 1.0 }));
        Assert.Contains("ctrl_cost_weight", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Gym.Make("Hopper-v4", new Dictionary<string, object> { ["frame_skip"] = 2 }));
        Assert.Throws<ArgumentException>(() => Gym.Make("CartPole-v1", new Dictionary<string, object> { ["x"] = 2 }));
    }

    [SkippableFact]
    public void Make_OptionsWrittenIntoTheId_BuildTheSameEnvAsExplicitOptions()
    {
        MuJoCoRequirement.Require();
        using IEnv env = Gym.Make("Hopper-v5[frame_skip=2,healthy_z_range=(0.5,inf),exclude_current_positions_from_observation=false]");
        Assert.Equal("Hopper-v5[frame_skip=2,healthy_z_range=(0.5,inf),exclude_current_positions_from_observation=false]", env.Spec?.Id);
        Assert.Equal(1000, env.Spec?.MaxEpisodeSteps);
        Assert.Equal(12, env.ObservationSpace.FlatSize);
        Assert.Equal(0.004, ((HopperEnv)((Wrapper)env).Unwrapped).Dt);
    }

    [Fact]
    public void SplitId_CommasInsideValues_StayInTheValue()
    {
        (string id, IReadOnlyDictionary<string, object>? options) = EnvRegistry.SplitId("Ant-v5[healthy_z_range=0.2,1.5,main_body=torso]");
        Assert.Equal("Ant-v5", id);
        Assert.Equal("0.2,1.5", options!["healthy_z_range"]);
        Assert.Equal("torso", options["main_body"]);
        Assert.Null(EnvRegistry.SplitId("CartPole-v1").Options);
        Assert.Throws<ArgumentException>(() => EnvRegistry.SplitId("CartPole-v1[oops"));
    }

    [SkippableFact]
    public void AntV5_MainBody_TakesAnIndexAsGymnasiumsIntOrAName()
    {
        MuJoCoRequirement.Require();
        // x_velocity is the main body's displacement over dt (x_position is qpos[0], whatever the main body).
        double XVelocityOfOneStep(object mainBody)
        {
            using var env = new AntEnv(5, new Dictionary<string, object> { ["main_body"] = mainBody });
            var observation = new float[env.ObservationSpace.FlatSize];
            env.Reset(observation, seed: 3);
            env.Step(new float[8], observation);
            var info = new double[env.InfoKeys.Count];
            env.GetInfo(info);
            return info[IndexOf(env.InfoKeys, "x_velocity")];
        }

        double torso = XVelocityOfOneStep("torso");
        Assert.NotEqual(0.0, torso);
        Assert.Equal(torso, XVelocityOfOneStep(1));
        Assert.Equal(torso, XVelocityOfOneStep("1"));

        // Body 0 is the world body, fixed at the origin.
        Assert.Equal(0.0, XVelocityOfOneStep(0));
        Assert.Throws<ArgumentException>(() => new AntEnv(5, new Dictionary<string, object> { ["main_body"] = 1.5 }));
    }

    [SkippableFact]
    public void HumanoidV5_ArrayInfo_ReportsTheTwoTendons_AsGymnasiumsInfoDoes()
    {
        MuJoCoRequirement.Require();
        foreach (MuJoCoEnv env in (MuJoCoEnv[])[new HumanoidEnv(5), new HumanoidStandupEnv(5)])
        {
            using (env)
            {
                var observation = new float[env.ObservationSpace.FlatSize];
                env.Reset(observation, seed: 7);
                IReadOnlyList<KeyValuePair<string, double[]>> info = env.ArrayInfo();
                Assert.Equal(["tendon_length", "tendon_velocity"], info.Select(entry => entry.Key));

                // humanoid.xml's fixed tendons: left_hipknee = −left_hip_y + left_knee (qpos 16, 17; qvel 15, 16),
                // right_hipknee = −right_hip_y + right_knee (qpos 12, 13; qvel 11, 12). After a reset, mj_forward has
                // computed them from the reset state itself.
                ReadOnlySpan<double> qpos = env.Qpos;
                ReadOnlySpan<double> qvel = env.Qvel;
                Assert.Equal([-qpos[16] + qpos[17], -qpos[12] + qpos[13]], info[0].Value);
                Assert.Equal([-qvel[15] + qvel[16], -qvel[11] + qvel[12]], info[1].Value);
            }
        }

        using var v4 = new HumanoidEnv(4);
        Assert.Empty(v4.ArrayInfo());
        using var hopper = new HopperEnv(5);
        Assert.Empty(hopper.ArrayInfo());
    }

    [SkippableFact]
    public void XmlFile_TooSmallForWhatTheEnvReads_IsRefusedWithTheSizes_AndNumPySlicesOfOneThatFitsAreEmpty()
    {
        MuJoCoRequirement.Require();

        // inverted_pendulum.xml: nq = nv = 2, no site. Hopper reads qpos[0..2]; InvertedDoublePendulum reads site 0.
        var hopper = Assert.Throws<InvalidDataException>(() => Gym.Make("Hopper-v5[xml_file=inverted_pendulum.xml]"));
        Assert.Contains("nq = 2", hopper.Message, StringComparison.Ordinal);
        Assert.Contains("needs nq ≥ 3", hopper.Message, StringComparison.Ordinal);
        var pendulum = Assert.Throws<InvalidDataException>(() => Gym.Make("InvertedDoublePendulum-v5[xml_file=hopper.xml]"));
        Assert.Contains("nsite ≥ 1", pendulum.Message, StringComparison.Ordinal);

        // swimmer.xml has nv = 5: Humanoid-v5's qfrc_actuator[6:] is empty, as NumPy slices it, so the env runs as Gymnasium's does.
        using IEnv humanoid = Gym.Make("Humanoid-v5[xml_file=swimmer.xml]");
        var observation = new float[humanoid.ObservationSpace.FlatSize];
        humanoid.Reset(observation, seed: 0);
        humanoid.Step(new float[humanoid.ActionSpace.FlatSize], observation);

        // qpos[2:] (3) + qvel (5) + cinert, cvel, cfrc_ext of the bodies but the world (10 + 6 + 6 each).
        int bodies = ((MuJoCoEnv)((Wrapper)humanoid).Unwrapped).BodyMass.Length - 1;
        Assert.Equal(3 + 5 + (22 * bodies), observation.Length);
    }

    [SkippableFact]
    public void AfterDispose_EveryCallIntoTheFreedSimulator_IsRefused()
    {
        MuJoCoRequirement.Require();
        var env = new HopperEnv();
        var observation = new float[11];
        env.Reset(observation, seed: 0);
        env.Dispose();
        env.Dispose();

        // Before, these read or wrote the freed mjData (Step crashed the process with a segmentation fault).
        var error = Assert.Throws<ObjectDisposedException>(() => env.Step(new float[3], observation));
        Assert.Contains("Hopper-v4", error.Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => env.Reset(observation, seed: 0));
        Assert.Throws<ObjectDisposedException>(() => env.Qpos.ToArray());
        Assert.Throws<ObjectDisposedException>(() => env.QaccWarmstart.ToArray());
        Assert.Throws<ObjectDisposedException>(() => env.SaveState());
        Assert.Throws<ObjectDisposedException>(() => env.SetState(new double[6], new double[6]));
        using var humanoid = new HumanoidEnv(5);
        humanoid.Dispose();
        Assert.Throws<ObjectDisposedException>(() => humanoid.ArrayInfo());
    }

    [SkippableFact]
    public void Step_InvalidActions_AreRefusedWithTheReason()
    {
        MuJoCoRequirement.Require();
        using var env = new HopperEnv();
        var observation = new float[11];
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[3], observation));
        env.Reset(observation, seed: 0);
        Assert.Throws<ArgumentException>(() => env.Step(new float[2], observation));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([0f, float.NaN, 0f], observation));
        Assert.Contains("action[1]", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void SaveState_MidEpisode_ResumesBitForBit()
    {
        MuJoCoRequirement.Require();
        foreach (string id in (string[])["Ant-v4", "Humanoid-v5", "Reacher-v4", "Hopper-v5"])
        {
            using IEnv env = Gym.Make(id);
            int n = env.ObservationSpace.FlatSize;
            var observation = new float[n];
            var action = new float[env.ActionSpace.FlatSize];
            var random = NumpyGenerator.Create(3);
            env.Reset(observation, seed: 9);
            for (int t = 0; t < 15; t++)
            {
                env.ActionSpace.Sample(action, random);
                if (env.Step(action, observation).Done)
                {
                    env.Reset(observation);
                }
            }

            string saved = ((IStatefulEnv)env).SaveState().ToJsonString();
            NumpyGeneratorState actions = random.GetState();
            (float[] Observations, double[] Rewards) expected = Run(env, new NumpyGenerator(actions), 25);

            using IEnv resumed = Gym.Make(id);
            ((IStatefulEnv)resumed).LoadState(System.Text.Json.Nodes.JsonNode.Parse(saved)!);
            (float[] Observations, double[] Rewards) actual = Run(resumed, new NumpyGenerator(actions), 25);
            Assert.Equal(expected.Rewards, actual.Rewards);
            Assert.Equal(expected.Observations, actual.Observations);
        }
    }

    [SkippableFact]
    public void LoadState_OtherSettings_IsRefused()
    {
        MuJoCoRequirement.Require();
        using var env = new HopperEnv(5);
        env.Reset(new float[11], seed: 0);
        var other = new HopperEnv(5, new Dictionary<string, object> { ["ctrl_cost_weight"] = 0.5 });
        var error = Assert.Throws<ArgumentException>(() => other.LoadState(env.SaveState()));
        Assert.Contains("ctrl_cost_weight", error.Message, StringComparison.Ordinal);
        other.Dispose();
    }

    [SkippableFact]
    public void Wrappers_ForwardTheInfoChannel()
    {
        MuJoCoRequirement.Require();
        using IEnv env = new ClipAction(Gym.Make("HalfCheetah-v4"));
        var info = Assert.IsAssignableFrom<IStepInfoEnv>(env);
        Assert.Equal(["x_position", "x_velocity", "reward_run", "reward_ctrl"], info.InfoKeys);
        var observation = new float[17];
        env.Reset(observation, seed: 0);
        StepResult result = env.Step(new float[6], observation);
        var values = new double[4];
        info.GetInfo(values);
        Assert.Equal(values[2] + values[3], result.Reward);
    }

    [Fact]
    public void NumpyMath_SumsOfSquares_RoundLikeNumpy()
    {
        // NumPy 1.24.2: np.sum(np.square(a)) for these arrays (float32 for the first: float32 arithmetic).
        float[] a8 = [0.3f, -0.7f, 0.11f, 0.9f, -0.45f, 0.05f, 0.6f, -0.99f];
        Assert.Equal(2.947199821472168f, NumpyMath.SumOfSquares(a8));
        double[] a17 = [.. Enumerable.Range(0, 17).Select(i => (((i * 37) % 19) - 9) / 9.5)];
        Assert.Equal(BitConverter.UInt64BitsToDouble(0x4014413DB1FE94EAUL), NumpyMath.SumOfSquares(a17));
        double[] a84 = [.. Enumerable.Range(0, 84).Select(i => (((i * 53) % 41) - 20) / 3.7)];
        Assert.Equal(BitConverter.UInt64BitsToDouble(0x408B43B175FEE0C4UL), NumpyMath.SumOfSquares(a84));
    }

    [Fact]
    public void MathPow_Square_IsTheCLibrarysPowAsPythonsPowerOperator()
    {
        // Python: 0.3624182010806754 ** 2 == 0.13134695247455286, while the IEEE product rounds to ...289.
        Assert.Equal(0.13134695247455286, Math.Pow(0.3624182010806754, 2));
        Assert.Equal(0.13134695247455289, 0.3624182010806754 * 0.3624182010806754);
    }

    private static (float[] Observations, double[] Rewards) Run(IEnv env, NumpyGenerator random, int steps)
    {
        int n = env.ObservationSpace.FlatSize;
        var observations = new float[n * steps];
        var rewards = new double[steps];
        var action = new float[env.ActionSpace.FlatSize];
        for (int t = 0; t < steps; t++)
        {
            env.ActionSpace.Sample(action, random);
            Span<float> observation = observations.AsSpan(t * n, n);
            StepResult result = env.Step(action, observation);
            rewards[t] = result.Reward;
            if (result.Done)
            {
                env.Reset(observation);
            }
        }

        return (observations, rewards);
    }

    private static ulong[] Bits(ReadOnlySpan<double> values) => [.. values.ToArray().Select(v => (ulong)BitConverter.DoubleToInt64Bits(v))];

    private static ulong Bits(double value) => (ulong)BitConverter.DoubleToInt64Bits(value);

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }

        throw new KeyNotFoundException(key);
    }
}
