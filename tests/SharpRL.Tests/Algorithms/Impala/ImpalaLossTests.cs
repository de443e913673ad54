using SharpRL.Algorithms.Impala;
using SharpRL.Distributions;

namespace SharpRL.Tests.Algorithms.Impala;

/// <summary>
/// The IMPALA loss in double precision: its value against the formula, and its gradient with respect to the
/// distribution parameters (through ln π and H) and to V against central differences (h = 1e-6), with the
/// V-trace targets v_s and advantages ρ_s A_s held fixed, as the learner treats them (no gradient flows into them).
/// Each term alone (policy gradient, value ½ (v_s − V)², entropy bonus) and all together.
/// </summary>
public class ImpalaLossTests
{
    private const int M = 6;
    private const double H = 1e-6;

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, 0.3)]
    [InlineData(0.5, 0.01)]
    public void Compute_Categorical_MatchesFormulaAndCentralDifferences(double valueCoefficient, double entropyCoefficient)
    {
        var random = new Random(11);
        var distribution = new Categorical<double>(3);
        double[] logits = Uniform(random, M * 3, -1, 1);
        double[] actions = [0, 2, 1, 1, 0, 2];
        Check(distribution, logits, actions, random, valueCoefficient, entropyCoefficient);
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.5, 0.01)]
    public void Compute_DiagGaussian_MatchesFormulaAndCentralDifferences(double valueCoefficient, double entropyCoefficient)
    {
        var random = new Random(12);
        var distribution = new DiagGaussian<double>(2);

        // Rows [mean(2), log σ(2)].
        double[] parameters = Uniform(random, M * 4, -0.5, 0.5);
        double[] actions = Uniform(random, M * 2, -1, 1);
        Check(distribution, parameters, actions, random, valueCoefficient, entropyCoefficient);
    }

    private static void Check(IDistribution<double> distribution, double[] parameters, double[] actions, Random random, double valueCoefficient, double entropyCoefficient)
    {
        double[] values = Uniform(random, M, -1, 1);

        // Targets from V-trace over two chunks of 3 steps, with behaviour log-probs away from π's: then frozen.
        double[] logProb = new double[M];
        distribution.LogProb(parameters, actions, logProb, M);
        double[] behaviour = [.. logProb.Select(l => l + ((random.NextDouble() - 0.5) * 1.5))];
        double[] rewards = Uniform(random, M, -1, 1);
        double[] vs = new double[M];
        double[] advantages = new double[M];
        for (int chunk = 0; chunk < 2; chunk++)
        {
            Range r = (chunk * 3)..((chunk * 3) + 3);
            double[] logRatios = [.. logProb[r].Zip(behaviour[r], (p, q) => p - q)];
            double[] nextValues = [values[r.Start.Value + 1], values[r.Start.Value + 2], 0.4];
            VTrace.Compute<double>(logRatios, rewards[r], values[r], nextValues, new bool[3], new VTraceSettings(0.95), vs.AsSpan(r), advantages.AsSpan(r));
        }

        double Loss(double[] p, double[] v, out ImpalaLossResult result, double[]? gradParameters = null, double[]? gradValue = null)
        {
            double[] lp = new double[M], entropy = new double[M];
            distribution.LogProb(p, actions, lp, M);
            distribution.Entropy(p, entropy, M);
            double[] gLogProb = new double[M], gEntropy = new double[M], gValue = gradValue ?? new double[M];
            result = ImpalaLoss.Compute<double>(lp, entropy, v, advantages, vs, valueCoefficient, entropyCoefficient, gLogProb, gEntropy, gValue);
            if (gradParameters is not null)
            {
                distribution.LogProbBackward(p, actions, gLogProb, gradParameters, M);
                distribution.EntropyBackward(p, gEntropy, gradParameters, M);
            }

            return result.Loss;
        }

        double[] gradParameters = new double[parameters.Length];
        double[] gradValues = new double[M];
        double loss = Loss(parameters, values, out ImpalaLossResult terms, gradParameters, gradValues);

        // The formula: −mean A_s ln π + c_v mean ½ (v_s − V)² − c_e mean H.
        double[] entropyValues = new double[M];
        distribution.Entropy(parameters, entropyValues, M);
        double policyLoss = -Enumerable.Range(0, M).Sum(i => advantages[i] * logProb[i]) / M;
        double valueLoss = Enumerable.Range(0, M).Sum(i => 0.5 * (vs[i] - values[i]) * (vs[i] - values[i])) / M;
        double entropyLoss = -entropyValues.Sum() / M;
        Assert.Equal(policyLoss, terms.PolicyLoss, 12);
        Assert.Equal(valueLoss, terms.ValueLoss, 12);
        Assert.Equal(entropyLoss, terms.EntropyLoss, 12);
        Assert.Equal(policyLoss + (valueCoefficient * valueLoss) + (entropyCoefficient * entropyLoss), loss, 12);

        for (int j = 0; j < parameters.Length; j++)
        {
            double saved = parameters[j];
            parameters[j] = saved + H;
            double plus = Loss(parameters, values, out _);
            parameters[j] = saved - H;
            double minus = Loss(parameters, values, out _);
            parameters[j] = saved;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - gradParameters[j]) <= 1e-7 * Math.Max(1, Math.Abs(numeric)), $"∂L/∂parameter[{j}]: analytic {gradParameters[j]}, numeric {numeric}");
        }

        for (int i = 0; i < M; i++)
        {
            double saved = values[i];
            values[i] = saved + H;
            double plus = Loss(parameters, values, out _);
            values[i] = saved - H;
            double minus = Loss(parameters, values, out _);
            values[i] = saved;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - gradValues[i]) <= 1e-7 * Math.Max(1, Math.Abs(numeric)), $"∂L/∂V[{i}]: analytic {gradValues[i]}, numeric {numeric}");

            // The paper's value step: −∂L/∂V_s = c_v (v_s − V(x_s)) / m.
            Assert.Equal(valueCoefficient * (vs[i] - values[i]) / M, -gradValues[i], 12);
        }
    }

    private static double[] Uniform(Random random, int count, double low, double high) =>
        [.. Enumerable.Range(0, count).Select(_ => low + ((high - low) * random.NextDouble()))];
}
