namespace SharpRL.Algorithms.Common;

/// <summary>The training diagnostics the on-policy learners log (SB3's <c>train/explained_variance</c> and <c>train/std</c>).</summary>
internal static class TrainingDiagnostics
{
    /// <summary>Explained variance 1 − Var(target − value) / Var(target) of value predictions; NaN when the targets do not vary.</summary>
    public static double ExplainedVariance(ReadOnlySpan<float> values, ReadOnlySpan<float> targets)
    {
        double meanTarget = 0, meanResidual = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            meanTarget += targets[i];
            meanResidual += targets[i] - values[i];
        }

        meanTarget /= targets.Length;
        meanResidual /= targets.Length;
        double varTarget = 0, varResidual = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double r = targets[i] - meanTarget;
            double e = targets[i] - values[i] - meanResidual;
            varTarget += r * r;
            varResidual += e * e;
        }

        return varTarget == 0 ? double.NaN : 1.0 - (varResidual / varTarget);
    }

    /// <summary>The mean σ = exp(log σ) of a Gaussian policy's log-std parameter.</summary>
    public static double MeanStd(ReadOnlySpan<float> logStd)
    {
        double sum = 0;
        foreach (float v in logStd)
        {
            sum += Math.Exp(v);
        }

        return sum / logStd.Length;
    }
}
