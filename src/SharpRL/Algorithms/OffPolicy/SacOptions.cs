
namespace SharpRL.Algorithms.OffPolicy;

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

    /// <summary>Temperature α, as SB3 writes it: "auto" (learned, starting at 1), "auto_0.1" (learned, starting at 0.1) or a fixed number.</summary>
    public string EntCoef { get; init; } = "auto";

    /// <summary>Target entropy H̄ of the temperature loss: "auto" (−dim(A)) or a number.</summary>
    public string TargetEntropy { get; init; } = "auto";

    /// <summary>Whether α is learned (ent_coef starts with "auto").</summary>
    public bool LearnsEntCoef => EntCoef.StartsWith("auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The fixed α, or the initial α when it is learned.</summary>
    public double InitialEntCoef => LearnsEntCoef
        ? (EntCoef.Length > 5 ? ParseNumber(EntCoef[5..]) : 1.0)
        : ParseNumber(EntCoef);

    /// <summary>H̄ for a <paramref name="actionDimension"/>-dimensional action.</summary>
    public double TargetEntropyFor(int actionDimension) =>
        TargetEntropy.Equals("auto", StringComparison.OrdinalIgnoreCase) ? -actionDimension : ParseNumber(TargetEntropy);

    /// <summary>Number of critics (n_critics); targets and the actor use their minimum.</summary>
    public int NCritics { get; init; } = 2;

    private static double ParseNumber(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : double.NaN;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(EntCoef is not null && (EntCoef.Equals("auto", StringComparison.OrdinalIgnoreCase) || (EntCoef.StartsWith("auto_", StringComparison.OrdinalIgnoreCase) ? ParseNumber(EntCoef[5..]) > 0 : ParseNumber(EntCoef) >= 0)),
            "ent_coef", EntCoef ?? "null", "auto, auto_<initial α > 0> or a fixed α ≥ 0");
        Require(TargetEntropy is not null && (TargetEntropy.Equals("auto", StringComparison.OrdinalIgnoreCase) || double.IsFinite(ParseNumber(TargetEntropy))), "target_entropy", TargetEntropy ?? "null", "auto or a number");
        Require(NCritics > 0, "n_critics", NCritics, "a positive integer");
    }
}
