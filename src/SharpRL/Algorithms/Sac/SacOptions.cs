using SharpRL.Algorithms.OffPolicy;

namespace SharpRL.Algorithms.Sac;

/// <summary>
/// SAC settings (Haarnoja et al., 2018), defaults as SB3 2.x: lr 3e-4 for actor, critics and ln α;
/// [256, 256] ReLU; batch 256; τ 0.005; learning_starts 100; twin critics; automatic temperature
/// starting at α = 1 with target entropy −dim(A); critic targets Polyak-averaged every step.
/// </summary>
public sealed record SacOptions : OffPolicyOptions
{
    /// <summary>Creates the SAC defaults.</summary>
    public SacOptions()
    {
        LearningRate = 3e-4;
        HiddenSizes = [256, 256];
    }

    /// <summary>A fixed temperature α; null (ent_coef: auto) learns ln α instead.</summary>
    public double? EntCoef { get; init; }

    /// <summary>Initial α when it is learned (ent_coef: auto_0.1 gives 0.1).</summary>
    public double EntCoefInit { get; init; } = 1.0;

    /// <summary>Target entropy H̄ of the temperature loss; null means −dim(A).</summary>
    public double? TargetEntropy { get; init; }

    /// <summary>Number of critics (n_critics); targets and the actor use their minimum.</summary>
    public int NCritics { get; init; } = 2;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(EntCoef is null || (EntCoef >= 0 && double.IsFinite(EntCoef.Value)), "ent_coef", EntCoef ?? double.NaN, "auto or a number ≥ 0");
        Require(EntCoefInit > 0 && double.IsFinite(EntCoefInit), "ent_coef (initial α)", EntCoefInit, "> 0");
        Require(TargetEntropy is null || double.IsFinite(TargetEntropy.Value), "target_entropy", TargetEntropy ?? double.NaN, "auto or a finite number");
        Require(NCritics > 0, "n_critics", NCritics, "a positive integer");
    }
}
