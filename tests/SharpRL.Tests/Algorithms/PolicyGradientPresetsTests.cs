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
