using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;

namespace SharpRL.Tests.Algorithms;

public class SharedTrunkOptionTests
{
    [Theory]
    [InlineData("npg")]
    [InlineData("trpo")]
    [InlineData("reinforce")]
    public void Validate_SharedTrunkWithSeparateCriticFit_ThrowsNamingSetting(string algorithm)
    {
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions(algorithm), [new("policy.shared_trunk", "true")]);
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("policy.shared_trunk", e.Message, StringComparison.Ordinal);
        Assert.Contains("false", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ppo")]
    [InlineData("ppo-kl")]
    [InlineData("a2c")]
    public void Validate_SharedTrunkWithJointLoss_IsAccepted(string algorithm)
    {
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions(algorithm), [new("policy.shared_trunk", "true")]);
        options.Validate();
        Assert.True(options.Policy.SharedTrunk);
    }
}
