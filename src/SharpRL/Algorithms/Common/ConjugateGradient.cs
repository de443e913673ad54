using System.Numerics;

namespace SharpRL.Algorithms.Common;

/// <summary>result ← A·vector for a symmetric positive-definite A that is only available as a product.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <param name="vector">The vector to multiply.</param>
/// <param name="result">Receives A·vector; never overlaps <paramref name="vector"/>.</param>
public delegate void LinearOperator<T>(ReadOnlySpan<T> vector, Span<T> result);

/// <summary>How a conjugate-gradient solve ended.</summary>
/// <param name="Iterations">Products A·p taken (one per iteration).</param>
/// <param name="ResidualNorm">‖b − A x‖ of the returned x (the recursively updated residual).</param>
/// <param name="Converged">Whether the residual fell to the tolerance before the iteration cap.</param>
public readonly record struct ConjugateGradientResult(int Iterations, double ResidualNorm, bool Converged);

/// <summary>
/// Conjugate gradient for A x = b with A symmetric positive definite, given only products A·v
/// (Hestenes and Stiefel 1952). NPG and TRPO use it for x ≈ (F + λI)⁻¹ g: it minimises
/// ½ xᵀAx − bᵀx (equivalently ‖x − A⁻¹b‖_A) over growing Krylov subspaces, so F is never formed or inverted
/// and a handful of Fisher-vector products give a usable natural-gradient direction.
/// Work vectors are allocated once for the dimension; a solve allocates nothing.
/// </summary>
/// <typeparam name="T">float for training, double for tests against a dense solve.</typeparam>
public sealed class ConjugateGradient<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _residual;
    private readonly T[] _direction;
    private readonly T[] _product;

    /// <summary>Allocates the work vectors for systems of size <paramref name="dimension"/>.</summary>
    /// <param name="dimension">Length of x and b; positive.</param>
    public ConjugateGradient(int dimension)
    {
        if (dimension <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"dimension must be positive; got {dimension}.");
        }

        Dimension = dimension;
        _residual = new T[dimension];
        _direction = new T[dimension];
        _product = new T[dimension];
    }

    /// <summary>Length of x and b.</summary>
    public int Dimension { get; }

    /// <summary>
    /// Solves A x = b starting from x = 0, stopping after <paramref name="maxIterations"/> products or once
    /// ‖r‖ ≤ <paramref name="tolerance"/>. In exact arithmetic it converges in at most <see cref="Dimension"/> iterations.
    /// </summary>
    /// <param name="multiply">The product v ↦ A v.</param>
    /// <param name="b">Right-hand side (for NPG/TRPO the policy gradient g).</param>
    /// <param name="x">Receives the approximate solution.</param>
    /// <param name="maxIterations">Cap on products A·p; positive (TRPO's usual 10).</param>
    /// <param name="tolerance">Stop once the residual norm is at most this; ≥ 0.</param>
    /// <returns>Iterations used and the final residual norm ‖b − A x‖.</returns>
    public ConjugateGradientResult Solve(LinearOperator<T> multiply, ReadOnlySpan<T> b, Span<T> x, int maxIterations, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(multiply);
        RequireLength(b.Length, nameof(b));
        RequireLength(x.Length, nameof(x));
        if (maxIterations <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, $"maxIterations must be positive; got {maxIterations}.");
        }

        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"tolerance must be finite and ≥ 0; got {tolerance}.");
        }

        Span<T> r = _residual;
        Span<T> p = _direction;
        Span<T> ap = _product;

        // x₀ = 0, so r₀ = b − A x₀ = b and the first search direction is p₀ = r₀.
        x.Clear();
        b.CopyTo(r);
        b.CopyTo(p);
        double rr = Dot(r, r);
        double toleranceSquared = tolerance * tolerance;
        if (rr <= toleranceSquared)
        {
            return new ConjugateGradientResult(0, Math.Sqrt(rr), Converged: true);
        }

        for (int k = 1; k <= maxIterations; k++)
        {
            multiply(p, ap);
            double pAp = Dot(p, ap);
            if (!(pAp > 0))
            {
                // A is not positive definite along p (an undamped, singular Fisher): stop with what we have.
                return new ConjugateGradientResult(k, Math.Sqrt(rr), Converged: false);
            }

            // α = rᵀr / pᵀAp ;  x ← x + α p ;  r ← r − α A p
            T alpha = T.CreateChecked(rr / pAp);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }

            double rrNext = Dot(r, r);
            if (rrNext <= toleranceSquared)
            {
                return new ConjugateGradientResult(k, Math.Sqrt(rrNext), Converged: true);
            }

            // β = r_{k+1}ᵀr_{k+1} / r_kᵀr_k ;  p ← r + β p  (keeps p A-conjugate to every earlier direction)
            T beta = T.CreateChecked(rrNext / rr);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = r[i] + (beta * p[i]);
            }

            rr = rrNext;
        }

        return new ConjugateGradientResult(maxIterations, Math.Sqrt(rr), Converged: false);
    }

    /// <summary>Σ aᵢbᵢ accumulated in double, so float vectors of 10⁴ entries keep their small terms.</summary>
    internal static double Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += double.CreateTruncating(a[i]) * double.CreateTruncating(b[i]);
        }

        return sum;
    }

    private void RequireLength(int length, string paramName)
    {
        if (length != Dimension)
        {
            throw new ArgumentException($"{paramName} has {length} elements; expected the dimension {Dimension}.", paramName);
        }
    }
}
