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
}
