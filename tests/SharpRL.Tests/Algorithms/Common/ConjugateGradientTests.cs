using SharpRL.Algorithms.Common;

namespace SharpRL.Tests.Algorithms.Common;

public class ConjugateGradientTests
{
    /// <summary>A = Bᵀ B + 0.1 I for a random B: symmetric positive definite.</summary>
    private static double[,] RandomSpd(int n, Random random)
    {
        double[,] b = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                b[i, j] = (2 * random.NextDouble()) - 1;
            }
        }

        double[,] a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    a[i, j] += b[k, i] * b[k, j];
                }
            }

            a[i, i] += 0.1;
        }

        return a;
    }

    private static LinearOperator<double> Operator(double[,] a) => (vector, result) =>
    {
        int n = vector.Length;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += a[i, j] * vector[j];
            }

            result[i] = sum;
        }
    };

    [Fact]
    public void Solve_SpdSystem_ConvergesToDenseSolutionWithinDimensionIterations()
    {
        var random = new Random(3);
        const int n = 8;
        double[,] a = RandomSpd(n, random);
        double[] b = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        double[] x = new double[n];

        ConjugateGradientResult result = new ConjugateGradient<double>(n).Solve(Operator(a), b, x, maxIterations: 3 * n, tolerance: 1e-10);

        double[] expected = DenseSolver.Solve(a, b);
        Assert.True(result.Converged);
        // Exact arithmetic needs ≤ n iterations; rounding on this well-conditioned system adds at most a couple.
        Assert.InRange(result.Iterations, 1, n + 2);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], x[i], 1e-8);
        }
    }

    [Fact]
    public void Solve_StoppedEarly_ReportsTrueResidualNorm()
    {
        var random = new Random(4);
        const int n = 10;
        double[,] a = RandomSpd(n, random);
        double[] b = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        double[] x = new double[n];

        ConjugateGradientResult result = new ConjugateGradient<double>(n).Solve(Operator(a), b, x, maxIterations: 3, tolerance: 0);

        // The recursively updated residual equals b − A x up to rounding.
        double[] ax = new double[n];
        Operator(a)(x, ax);
        double trueResidual = Math.Sqrt(b.Select((bi, i) => (bi - ax[i]) * (bi - ax[i])).Sum());
        Assert.False(result.Converged);
        Assert.Equal(3, result.Iterations);
        Assert.Equal(trueResidual, result.ResidualNorm, 1e-10);
        Assert.True(result.ResidualNorm < Math.Sqrt(b.Sum(v => v * v)), "CG must reduce the residual from ‖b‖");
    }

    [Fact]
    public void Solve_ZeroRightHandSide_ReturnsZeroWithoutProducts()
    {
        int products = 0;
        double[] x = [1, 2, 3];
        ConjugateGradientResult result = new ConjugateGradient<double>(3).Solve((v, r) => { products++; v.CopyTo(r); }, new double[3], x, 10, 1e-12);
        Assert.Equal(0, products);
        Assert.Equal(0, result.Iterations);
        Assert.Equal(new double[3], x);
    }

    [Fact]
    public void Solve_WrongLength_ThrowsNamingArgument()
    {
        var cg = new ConjugateGradient<float>(4);
        var e = Assert.Throws<ArgumentException>(() => cg.Solve((v, r) => v.CopyTo(r), new float[3], new float[4], 5, 0));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => cg.Solve((v, r) => v.CopyTo(r), new float[4], new float[4], 0, 0));
    }
}
