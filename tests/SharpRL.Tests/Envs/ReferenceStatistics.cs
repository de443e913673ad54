namespace SharpRL.Tests.Envs;

/// <summary>Mean and variance computed directly from all the data, for checking running statistics.</summary>
internal static class ReferenceStatistics
{
    /// <summary>NumPy's x.mean(), x.var() (population variance) of one component.</summary>
    public static (double Mean, double Variance) Plain(IReadOnlyList<double> values)
    {
        double mean = values.Sum() / values.Count;
        double variance = values.Sum(x => (x - mean) * (x - mean)) / values.Count;
        return (mean, variance);
    }

    /// <summary>
    /// Mean and variance of the data together with RunningMeanStd's prior (a pseudo-sample of
    /// weight ε = 1e-4 with mean 0 and variance 1): what the running statistics equal exactly.
    /// </summary>
    public static (double Mean, double Variance) WithPrior(IReadOnlyList<double> values, double epsilon = 1e-4)
    {
        double total = values.Count + epsilon;
        double mean = values.Sum() / total;
        double m2 = epsilon * (1 + (mean * mean)) + values.Sum(x => (x - mean) * (x - mean));
        return (mean, m2 / total);
    }
}
