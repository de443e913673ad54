using SharpRL.Envs;

namespace SharpRL.Environments.Tests;

public class EnvApiTests
{
    [Fact]
    public void StepResult_TruncatedOnly_IsDoneButNotTerminated()
    {
        var result = new StepResult(1.0, Terminated: false, Truncated: true);
        Assert.True(result.Done);
        Assert.False(result.Terminated);
    }
}
