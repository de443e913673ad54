using SharpRL.Environments.Toy;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Envs.Wrappers;

namespace SharpRL.Tests.Envs;

public class ActionMaskEnvTests
{
    [Fact]
    public void WallMaze_MaskAllowsExactlyTheLegalMoves()
    {
        using var env = new WallMaze();
        float[] observation = new float[25];
        env.Reset(observation);
        bool[] mask = new bool[4];
        env.GetActionMask(mask);

        // Top-left corner: up and left leave the board; right and down are free.
        Assert.Equal(new[] { false, true, true, false }, mask);

        // An illegal move forfeits: −1, terminated.
        StepResult step = env.Step([0f], observation);
        Assert.Equal(-1, step.Reward);
        Assert.True(step.Terminated);
        Assert.Equal(1, env.IllegalMoves);
    }

    [Fact]
    public void Wrapper_ForwardsTheMask_AndAnEnvWithoutMasksSuppliesNone()
    {
        using var wrapped = new TimeLimit(new WallMaze(), 10);
        Assert.True(ActionMasks.Supplies(wrapped));
        float[] observation = new float[25];
        wrapped.Reset(observation);
        bool[] mask = new bool[4];
        wrapped.GetActionMask(mask);
        Assert.Equal(new[] { false, true, true, false }, mask);

        using var plain = new TimeLimit(new TwoArmedBandit(), 10);
        Assert.False(ActionMasks.Supplies(plain));
        var error = Assert.Throws<InvalidOperationException>(() => plain.GetActionMask(new bool[2]));
        Assert.Contains("supplies no action mask", error.Message, StringComparison.Ordinal);

        using var vector = new SyncVectorEnv(() => new TwoArmedBandit(), 2);
        Assert.False(ActionMasks.Supplies(vector));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VectorEnv_AfterAutoreset_CarriesTheNewEpisodesFirstMask(bool parallel)
    {
        using IVectorEnv env = parallel
            ? new ParallelVectorEnv(() => new WallMaze(), 2, numThreads: 2)
            : new SyncVectorEnv(() => new WallMaze(), 2);
        var masked = Assert.IsAssignableFrom<IVectorActionMaskEnv>(env);
        Assert.True(masked.HasActionMasks);
        Assert.Equal(4, masked.ActionMaskSize);

        float[] observations = new float[50];
        double[] rewards = new double[2];
        bool[] terminated = new bool[2];
        bool[] truncated = new bool[2];
        bool[] masks = new bool[8];
        env.Reset(observations, seed: 0);

        // Copy 0 moves right (legal: now at cell 1, where up is off the board and right is a wall);
        // copy 1 moves up from the start, an illegal move that ends its episode and autoresets it.
        env.Step([1f, 0f], observations, rewards, terminated, truncated);
        Assert.False(terminated[0]);
        Assert.True(terminated[1]);
        masked.GetActionMasks(masks);
        Assert.Equal(new[] { false, false, true, true }, masks[..4]);
        Assert.Equal(new[] { false, true, true, false }, masks[4..]);
        Assert.Equal(1f, observations[25]);
    }
}
