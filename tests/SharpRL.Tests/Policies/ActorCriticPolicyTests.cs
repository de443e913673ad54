using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Tests.Policies;

public class ActorCriticPolicyTests
{
    [Fact]
    public void ToEnvActions_MultiDiscreteWithStart_ShiftsEachComponentByItsStart()
    {
        var actions = new MultiDiscrete([3, 2], [1, -1]);
        var policy = new ActorCriticPolicy(new Box(-1f, 1f, 2), actions, new PolicyOptions { PolicyHiddenSizes = [4], ValueHiddenSizes = [4] }, new Random(0));
        float[] policyActions = [2, 1, 0, 0];
        float[] envActions = new float[4];

        policy.ToEnvActions(policyActions, envActions, batchSize: 2);

        Assert.Equal([3f, 0f, 1f, -1f], envActions);
        Assert.True(actions.Contains(envActions.AsSpan(0, 2)));
        Assert.True(actions.Contains(envActions.AsSpan(2, 2)));
    }

    [Fact]
    public void ToEnvActions_DiscreteWithStart_ShiftsByStart()
    {
        var policy = new ActorCriticPolicy(new Box(-1f, 1f, 2), new Discrete(3, start: -1), new PolicyOptions { PolicyHiddenSizes = [4], ValueHiddenSizes = [4] }, new Random(0));
        float[] envActions = new float[2];

        policy.ToEnvActions([0f, 2f], envActions, batchSize: 2);

        Assert.Equal([-1f, 1f], envActions);
    }

    [Fact]
    public void ToEnvActions_Box_ClipsToBoundsButLeavesPolicyActionsUnclipped()
    {
        var policy = new ActorCriticPolicy(new Box(-1f, 1f, 2), new Box(-2f, 2f, 1), new PolicyOptions { PolicyHiddenSizes = [4], ValueHiddenSizes = [4] }, new Random(0));
        float[] policyActions = [3.5f, -0.5f, -7f];
        float[] envActions = new float[3];

        policy.ToEnvActions(policyActions, envActions, batchSize: 3);

        Assert.Equal([2f, -0.5f, -2f], envActions);
        Assert.Equal([3.5f, -0.5f, -7f], policyActions);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithoutOrthogonalInit_LayersGetPyTorchDefaultUniformInitAndTheMeanDependsOnTheObservation(bool sharedTrunk)
    {
        // SB3's ortho_init=False (rl-zoo's MuJoCo PPO presets) keeps nn.Linear's U(±1/√fan_in) weights and
        // biases; all-zero layers would make π(·|s) the same for every s and give the hidden layers no gradient.
        var options = new PolicyOptions
        {
            OrthogonalInit = false,
            Activation = SharpRL.Nn.Activation.Relu,
            PolicyHiddenSizes = [16, 16],
            ValueHiddenSizes = [16, 16],
            SharedTrunk = sharedTrunk,
            LogStdInit = -2f,
        };
        var policy = new ActorCriticPolicy(new Box(-10f, 10f, 5), new Box(-1f, 1f, 3), options, new Random(1));

        foreach (var parameter in policy.Parameters)
        {
            if (parameter.Name == "log_std")
            {
                Assert.All(parameter.Value, v => Assert.Equal(-2f, v));
                continue;
            }

            int fanIn = parameter.Shape.Count == 2 ? parameter.Shape[0] : FanInOfBias(policy, parameter.Name);
            float bound = 1f / MathF.Sqrt(fanIn);
            Assert.All(parameter.Value, v => Assert.InRange(v, -bound, bound));

            // A uniform draw spreads over the band: no zero entry, and (for a tensor of several draws)
            // some entry beyond a quarter of the bound.
            Assert.DoesNotContain(0f, parameter.Value);
            if (parameter.Length >= 8)
            {
                Assert.Contains(parameter.Value, v => MathF.Abs(v) > 0.25f * bound);
            }
        }

        float[] observations = [1f, -2f, 0.5f, 3f, -1f, -3f, 2f, 0f, -0.5f, 1.5f];
        float[] means = policy.ForwardDistribution(observations, 2).ToArray();
        Assert.NotEqual(means[0..3], means[6..9]);
        float[] values = new float[2];
        policy.ForwardValues(observations, values, 2);
        Assert.NotEqual(values[0], values[1]);
    }

    [Fact]
    public void WithoutOrthogonalInit_SameSeedGivesSameWeights()
    {
        var options = new PolicyOptions { OrthogonalInit = false, PolicyHiddenSizes = [8], ValueHiddenSizes = [8] };
        var a = new ActorCriticPolicy(new Box(-1f, 1f, 4), new Box(-1f, 1f, 2), options, new Random(7));
        var b = new ActorCriticPolicy(new Box(-1f, 1f, 4), new Box(-1f, 1f, 2), options, new Random(7));

        for (int p = 0; p < a.Parameters.Count; p++)
        {
            Assert.Equal(a.Parameters[p].Value, b.Parameters[p].Value);
        }
    }

    // A bias's fan-in is the input width of its layer: that of the weight listed just before it.
    private static int FanInOfBias(ActorCriticPolicy policy, string biasName)
    {
        var parameters = policy.Parameters.ToList();
        int index = parameters.FindIndex(p => p.Name == biasName);
        return parameters[index - 1].Shape[0];
    }
}
