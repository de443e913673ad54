using System.Numerics;
using System.Runtime.Intrinsics;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// Dense row-major matrix products, the three a linear layer needs:
/// C = A·B (forward), C = A·Bᵀ (input gradient), C = Aᵀ·B (weight gradient).
/// When <c>accumulate</c> is true the product is added to C, else C is overwritten.
/// </summary>
/// <remarks>
/// float and double run register-blocked SIMD kernels (AVX-512 where the CPU has it, else AVX2, else
/// 128-bit); other element types run the same blocking with scalar arithmetic. Outputs with fewer
/// columns than one vector (value and small action heads) switch to dot-product kernels.
/// Single-threaded unless <see cref="MaxDegreeOfParallelism"/> is raised; the result is bitwise the
/// same either way. Steady-state calls allocate nothing (scratch space is a per-thread buffer that
/// only grows).
/// </remarks>
public static unsafe class Gemm
{
    /// <summary>Below this many floating-point operations (2·m·k·n) a product never uses more than one thread.</summary>
    public const long ParallelThresholdFlops = 4_000_000;

    private static readonly KernelPath BestPath =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    [ThreadStatic]
    private static KernelPath t_forcedPath;

    [ThreadStatic]
    private static IGemmPartner? t_partner;

    private static int _maxDegreeOfParallelism = 1;

    /// <summary>
    /// Threads one product may use (default 1). Rows of C are split between the calling thread and
    /// helper threads when the product has at least <see cref="ParallelThresholdFlops"/> flops.
    /// </summary>
    public static int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            if (value < 1 || value > GemmThreadPool.MaxThreads)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"MaxDegreeOfParallelism must be between 1 and {GemmThreadPool.MaxThreads}.");
            }

            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>
    /// Forces the instruction width on the calling thread (tests compare all paths);
    /// <see cref="KernelPath.Auto"/> picks the widest the CPU accelerates.
    /// </summary>
    internal static KernelPath ForcedPath
    {
        get => t_forcedPath;
        set => t_forcedPath = value;
    }

    /// <summary>
    /// Until the returned scope is disposed, the calling thread's products of at least
    /// <see cref="ParallelThresholdFlops"/> split their rows of C in two and hand the second half to
    /// <paramref name="partner"/> (null: none). Rows are independent and each is summed in the same
    /// order, so the result is bitwise the one of an unsplit product.
    /// </summary>
    internal static PartnerScope SplitWith(IGemmPartner? partner)
    {
        IGemmPartner? previous = t_partner;
        t_partner = partner;
        return new PartnerScope(previous);
    }

    /// <summary>The width the calling thread's products run with.</summary>
    internal static KernelPath EffectivePath => t_forcedPath == KernelPath.Auto ? BestPath : t_forcedPath;

    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        KernelPath path = EffectivePath;
        if (IsNarrow<T>(path, n))
        {
            // Too few columns to fill a vector: dot products along k instead, against the k·n
            // elements of B packed as Bᵀ (small, since n is).
            T[] packed = PackBuffer<T>.Rent(k * n);
            fixed (T* pa = a, pb = b, pc = c, pt = packed)
            {
                MatrixTranspose.Transpose(pb, pt, rows: k, columns: n);
                GemmDotKernels.Compute(path, pa, k, pt, k, pc, n, m, k, n, accumulate);
            }

            return;
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            Run(path, pa, aRowStride: k, aDepthStride: 1, pb, pc, m, k, n, accumulate);
        }
    }

    /// <summary>C[m×n] (+)= A[m×k] · Bᵀ, where B is stored [n×k].</summary>
    public static void MultiplyTransposedB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        KernelPath path = EffectivePath;
        if (IsNarrow<T>(path, n))
        {
            // Rows of A and of B are both contiguous along k: dot products need no packing.
            fixed (T* pa = a, pb = b, pc = c)
            {
                GemmDotKernels.Compute(path, pa, k, pb, k, pc, n, m, k, n, accumulate);
            }

            return;
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            RunTransposedB(path, pa, pb, pc, m, k, n, accumulate, EpilogueMode.None, null);
        }
    }

    /// <summary>
    /// C[m×n] = (A[m×k] · Bᵀ) ⊙ 1[mask &gt; 0], B stored [n×k] and the mask [m×n]: a ReLU layer's input
    /// gradient with the activation's derivative applied as C is stored, not in a second pass (the same
    /// bits as <see cref="MultiplyTransposedB{T}"/> followed by <see cref="Elementwise.ReluBackward{T}"/>).
    /// </summary>
    internal static void MultiplyTransposedBMasked<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, ReadOnlySpan<T> mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        if (mask.Length < (long)m * n)
        {
            throw new ArgumentException($"mask has {mask.Length} elements; expected at least {(long)m * n} for m={m}, n={n}.", nameof(mask));
        }

        KernelPath path = EffectivePath;
        if (IsNarrow<T>(path, n))
        {
            MultiplyTransposedB(a, b, c, m, k, n);
            Span<T> product = c[..(m * n)];
            Elementwise.ReluBackward<T>(product, mask[..(m * n)], product);
            return;
        }

        fixed (T* pa = a, pb = b, pc = c, pm = mask)
        {
            RunTransposedB(path, pa, pb, pc, m, k, n, accumulate: false, EpilogueMode.Mask, pm);
        }
    }

    /// <summary>
    /// C[m×n] = A[m×k] · B[k×n] + bias (added to every row), then max(·, 0) if <paramref name="relu"/>: a
    /// linear layer's forward with its bias and activation in the product's first and last depth blocks
    /// (the same bits as storing the bias rows, accumulating the product onto them and applying
    /// <see cref="Elementwise.Relu{T}(Span{T})"/>).
    /// </summary>
    internal static void MultiplyAddBias<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> bias, Span<T> c, int m, int k, int n, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        if (bias.Length < n)
        {
            throw new ArgumentException($"bias has {bias.Length} elements; expected at least n = {n}.", nameof(bias));
        }

        KernelPath path = EffectivePath;
        if (IsNarrow<T>(path, n))
        {
            // The dot-product kernels add their sums to C at the end rather than starting from it, so the
            // bias goes in first, exactly as a plain accumulating product would have it.
            for (int r = 0; r < m; r++)
            {
                bias[..n].CopyTo(c.Slice(r * n, n));
            }

            Multiply(a, b, c, m, k, n, accumulate: true);
            if (relu)
            {
                Elementwise.Relu(c[..(m * n)]);
            }

            return;
        }

        fixed (T* pa = a, pb = b, pc = c, pbias = bias)
        {
            Run(path, pa, aRowStride: k, aDepthStride: 1, pb, pc, m, k, n, accumulate: false, pbias, relu ? EpilogueMode.Relu : EpilogueMode.None, null);
        }
    }

    /// <summary>C[m×n] (+)= Aᵀ · B, where A is stored [k×m] and B is [k×n].</summary>
    public static void MultiplyTransposedA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)k * m, (long)k * n);
        KernelPath path = EffectivePath;
        if (IsNarrow<T>(path, n) && !IsNarrow<T>(path, m))
        {
            // Few columns but many rows: compute Cᵀ[n×m] = Bᵀ·A, whose long side m runs along the
            // vector lanes, in a scratch buffer, and transpose it into C (2·m·n small copies).
            T[] scratch = PackBuffer<T>.Rent(m * n);
            fixed (T* pa = a, pb = b, pc = c, ps = scratch)
            {
                if (accumulate)
                {
                    MatrixTranspose.Transpose(pc, ps, rows: m, columns: n);
                }

                GemmKernels.Compute(path, pb, aRowStride: 1, aDepthStride: n, pa, ldb: m, ps, ldc: m, rows: n, depth: k, columns: m, accumulate);
                MatrixTranspose.Transpose(ps, pc, rows: n, columns: m);
            }

            return;
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            Run(path, pa, aRowStride: 1, aDepthStride: m, pb, pc, m, k, n, accumulate);
        }
    }

    /// <summary>
    /// Whether <paramref name="columns"/> is narrower than one vector of the path's widest width,
    /// so that the broadcast kernels would run mostly on narrow vectors or scalars.
    /// </summary>
    private static bool IsNarrow<T>(KernelPath path, int columns)
        where T : unmanaged
    {
        int width = path switch
        {
            KernelPath.Vector512 => Vector512<byte>.Count,
            KernelPath.Vector256 => Vector256<byte>.Count,
            KernelPath.Vector128 => Vector128<byte>.Count,
            _ => 0,
        };
        return columns * sizeof(T) < width;
    }

    private static void Run<T>(KernelPath path, T* a, nint aRowStride, nint aDepthStride, T* b, T* c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Run(path, a, aRowStride, aDepthStride, b, c, m, k, n, accumulate, null, EpilogueMode.None, null);

    private static void Run<T>(KernelPath path, T* a, nint aRowStride, nint aDepthStride, T* b, T* c, int m, int k, int n, bool accumulate, T* bias, EpilogueMode mode, T* mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmTask task = NewTask(path, a, aRowStride, aDepthStride, b, c, m, k, n, accumulate, bias, mode, mask, extent: m, &ComputeRows<T>);
        IGemmPartner? partner = t_partner;
        if (partner is not null && 2L * m * k * n >= ParallelThresholdFlops && m >= 4 * GemmKernels.TileRows)
        {
            partner.RunSplit(task, GemmKernels.SplitRow(m, path));
            return;
        }

        int threads = ThreadsFor(m, k, n);
        if (threads <= 1)
        {
            GemmKernels.Compute(path, a, aRowStride, aDepthStride, b, n, c, n, m, k, n, accumulate, bias, mode, mask);
            return;
        }

        GemmThreadPool.Run(task, threads);
    }

    /// <summary>
    /// C (+)= A·Bᵀ through the broadcast kernels, which stream rows of the right operand, so Bᵀ is packed
    /// first. With a partner the product is split by columns of C: each thread then packs only its own
    /// rows of B (the packing runs on both cores too) into its own buffer, and every element of C is
    /// summed exactly as in the unsplit product.
    /// </summary>
    private static void RunTransposedB<T>(KernelPath path, T* a, T* b, T* c, int m, int k, int n, bool accumulate, EpilogueMode mode, T* mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IGemmPartner? partner = t_partner;
        int split = GemmKernels.SplitColumn(n, path, sizeof(T));
        if (partner is not null && 2L * m * k * n >= ParallelThresholdFlops && split > 0)
        {
            partner.RunSplit(NewTask(path, a, k, 1, b, c, m, k, n, accumulate, null, mode, mask, extent: n, &ComputeColumnsTransposedB<T>), split);
            return;
        }

        // k·n copies against m·k·n FMAs, into a per-thread buffer.
        T[] packed = PackBuffer<T>.Rent(k * n);
        fixed (T* pt = packed)
        {
            MatrixTranspose.Transpose(b, pt, rows: n, columns: k);
            Run(path, a, aRowStride: k, aDepthStride: 1, pt, c, m, k, n, accumulate, null, mode, mask);
        }
    }

    /// <summary>The task of C (+)= A·B with its epilogue, split over <paramref name="extent"/> rows or columns by <paramref name="computeRange"/>.</summary>
    private static GemmTask NewTask<T>(
        KernelPath path, T* a, nint aRowStride, nint aDepthStride, T* b, T* c, int m, int k, int n, bool accumulate, T* bias, EpilogueMode mode, T* mask, int extent, delegate*<in GemmTask, int, int, void> computeRange)
        where T : unmanaged, IFloatingPointIeee754<T>
        => new()
        {
            A = a,
            ARowStride = aRowStride,
            ADepthStride = aDepthStride,
            B = b,
            C = c,
            Rows = m,
            Depth = k,
            Columns = n,
            Accumulate = accumulate,
            Path = path,
            Bias = bias,
            Mask = mask,
            Mode = mode,
            Extent = extent,
            ComputeRange = computeRange,
        };

    private static void ComputeRows<T>(in GemmTask task, int rowStart, int rowEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = (T*)task.A + (rowStart * task.ARowStride);
        nint offset = (nint)rowStart * task.Columns;
        T* c = (T*)task.C + offset;
        T* mask = task.Mask == null ? null : (T*)task.Mask + offset;
        GemmKernels.Compute(task.Path, a, task.ARowStride, task.ADepthStride, (T*)task.B, task.Columns, c, task.Columns, rowEnd - rowStart, task.Depth, task.Columns, task.Accumulate, (T*)task.Bias, task.Mode, mask);
    }

    /// <summary>Columns [columnStart, columnEnd) of C = A·Bᵀ: packs rows [columnStart, columnEnd) of B (this thread's buffer), then multiplies.</summary>
    private static void ComputeColumnsTransposedB<T>(in GemmTask task, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = columnEnd - columnStart, k = task.Depth;
        T[] packed = PackBuffer<T>.Rent(k * width);
        fixed (T* pt = packed)
        {
            MatrixTranspose.Transpose((T*)task.B + ((nint)columnStart * k), pt, rows: width, columns: k);
            T* mask = task.Mask == null ? null : (T*)task.Mask + columnStart;
            GemmKernels.Compute(task.Path, (T*)task.A, task.ARowStride, task.ADepthStride, pt, width, (T*)task.C + columnStart, task.Columns, task.Rows, k, width, task.Accumulate, null, task.Mode, mask);
        }
    }

    private static int ThreadsFor(int m, int k, int n)
    {
        int threads = _maxDegreeOfParallelism;
        if (threads <= 1 || 2L * m * k * n < ParallelThresholdFlops)
        {
            return 1;
        }

        // Each thread needs at least one full register tile of rows.
        return Math.Min(threads, Math.Max(1, m / GemmKernels.TileRows));
    }

    private static void CheckShapes(int aLength, int bLength, int cLength, int m, int k, int n, long aExpected, long bExpected)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (aLength < aExpected)
        {
            throw new ArgumentException($"a has {aLength} elements; expected at least {aExpected} for m={m}, k={k}, n={n}.", "a");
        }

        if (bLength < bExpected)
        {
            throw new ArgumentException($"b has {bLength} elements; expected at least {bExpected} for m={m}, k={k}, n={n}.", "b");
        }

        if (cLength < (long)m * n)
        {
            throw new ArgumentException($"c has {cLength} elements; expected at least {(long)m * n} for m={m}, n={n}.", "c");
        }
    }

    /// <summary>Restores the partner that was in effect before <see cref="SplitWith"/>.</summary>
    internal readonly struct PartnerScope(IGemmPartner? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_partner = previous;
    }

    /// <summary>A per-thread scratch array that only grows, so steady-state calls allocate nothing.</summary>
    private static class PackBuffer<T>
    {
        [ThreadStatic]
        private static T[]? t_buffer;

        public static T[] Rent(int length)
        {
            T[]? buffer = t_buffer;
            if (buffer is null || buffer.Length < length)
            {
                buffer = new T[Math.Max(length, (buffer?.Length ?? 0) * 2)];
                t_buffer = buffer;
            }

            return buffer;
        }
    }
}
