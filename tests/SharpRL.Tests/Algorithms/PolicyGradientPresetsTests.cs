using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.TrustRegion;

namespace SharpRL.Tests.Algorithms;

public class PolicyGradientPresetsTests
{
    [Theory]
    [InlineData("reinforce", "CartPole-v1")]
    [InlineData("a2c", "CartPole-v1")]
    [InlineData("npg", "CartPole-v1")]
    [InlineData("trpo", "CartPole-v1")]
    [InlineData("trpo", "Pendulum-v1")]
    [InlineData("ppo-kl", "CartPole-v1")]
    [InlineData("ppo-mc", "CartPole-v1")]
    [InlineData("trpo", "SomeUnknownEnv-v0")]
    public void For_PolicyGradientAlgorithm_OptionsValidateAndCreateTheRegisteredAlgorithm(string algorithm, string envId)
    {
        Preset preset = Presets.For(algorithm, envId);

        Assert.Equal(AlgorithmRegistry.DefaultOptions(algorithm).GetType(), preset.Options.GetType());
        preset.Options.Validate();
        bool continuous = envId == "Pendulum-v1";
        OnPolicyAlgorithm agent = AlgorithmRegistry.Create(algorithm, new ContextBanditVectorEnv(preset.Options.NumEnvs, continuous), preset.Options, seed: 0);
        Assert.Same(preset.Options, agent.Options);
    }

    [Fact]
    public void For_TrpoCartPole_IsRlZooTuned()
    {
        var options = Assert.IsType<TrpoOptions>(Presets.For("trpo", "CartPole-v1").Options);
        Assert.Equal((2, 512, 512), (options.NumEnvs, options.NumSteps, options.BatchSize));
        Assert.Equal((0.98, 0.99, 1e-3), (options.GaeLambda, options.Gamma, options.CgDamping));
        Assert.Equal((20, 1e-3), (options.NumCriticUpdates, options.LearningRate.Start));
        Assert.Equal((0.01, 0.8, 10), (options.TargetKl, options.LineSearchShrinkingFactor, options.LineSearchMaxIter));
    }

    [Theory]
    [InlineData("Hopper-v4")]
    [InlineData("HalfCheetah-v4")]
    [InlineData("Humanoid-v4")]
    public void For_PpoTunedMuJoCoBlocks_UseTheirPolicyKwargs(string envId)
    {
        var options = Assert.IsType<SharpRL.Algorithms.ProximalPolicy.PpoOptions>(Presets.For("ppo", envId).Options);

        // rl-zoo: dict(log_std_init=-2, ortho_init=False, activation_fn=nn.ReLU, net_arch=dict(pi=[256, 256], vf=[256, 256]))
        Assert.Equal((-2f, false, SharpRL.Nn.Activation.Relu), (options.Policy.LogStdInit, options.Policy.OrthogonalInit, options.Policy.Activation));
        Assert.Equal([256, 256], options.Policy.PolicyHiddenSizes);
        Assert.Equal([256, 256], options.Policy.ValueHiddenSizes);
        Assert.True(options.NormalizeObservations && options.NormalizeRewards);
    }

    [Fact]
    public void For_PpoWalker2d_KeepsSb3sDefaultPolicy_AsRlZoosBlockHasNoPolicyKwargs()
    {
        var options = Assert.IsType<SharpRL.Algorithms.ProximalPolicy.PpoOptions>(Presets.For("ppo", "Walker2d-v4").Options);

        Assert.Equal((0f, true, SharpRL.Nn.Activation.Tanh), (options.Policy.LogStdInit, options.Policy.OrthogonalInit, options.Policy.Activation));
        Assert.Equal([64, 64], options.Policy.PolicyHiddenSizes);
        Assert.Equal([64, 64], options.Policy.ValueHiddenSizes);
        Assert.Equal((512, 32, 20, 0.99, 0.95), (options.NumSteps, options.BatchSize, options.NumEpochs, options.Gamma, options.GaeLambda));
        Assert.Equal((5.05041e-5, 0.000585045, 0.1, 1.0, 0.871923), (options.LearningRate.Start, options.EntCoef, options.ClipRange.Start, options.MaxGradNorm, options.VfCoef));
    }

    [Fact]
    public void For_A2cCartPole_IsRlZooWithSb3Defaults()
    {
        var options = Assert.IsType<A2cOptions>(Presets.For("a2c", "CartPole-v1").Options);
        Assert.Equal((8, 5, 7e-4), (options.NumEnvs, options.NumSteps, options.LearningRate.Start));
        Assert.Equal((0.99, 1.0, 0.0, 0.5, 0.5), (options.Gamma, options.GaeLambda, options.EntCoef, options.VfCoef, options.MaxGradNorm));
        Assert.True(options.UseRmsProp);
        Assert.False(options.NormalizeAdvantage);
    }

    [Fact]
    public void OptionsBinder_RlZooKeys_SetTrpoAndA2cOptions()
    {
        TrpoOptions trpo = OptionsBinder.Apply(new TrpoOptions(), [
            new("n_critic_updates", "15"),
            new("cg_max_steps", "25"),
            new("cg_damping", "0.01"),
            new("target_kl", "0.04"),
            new("line_search_shrinking_factor", "0.5"),
            new("line_search_max_iter", "5"),
        ]);
        Assert.Equal((15, 25, 0.01, 0.04, 0.5, 5), (trpo.NumCriticUpdates, trpo.CgMaxSteps, trpo.CgDamping, trpo.TargetKl, trpo.LineSearchShrinkingFactor, trpo.LineSearchMaxIter));

        A2cOptions a2c = OptionsBinder.Apply(new A2cOptions(), [new("use_rms_prop", "false"), new("rms_prop_eps", "1e-6")]);
        Assert.False(a2c.UseRmsProp);
        Assert.Equal(1e-6, a2c.RmsPropEpsilon);
    }
}
