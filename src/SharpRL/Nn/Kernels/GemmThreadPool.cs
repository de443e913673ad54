namespace SharpRL.Nn.Kernels;

/// <summary>What the last depth block of a product does to C as it stores it (see <see cref="GemmKernels"/>).</summary>
internal enum EpilogueMode
{
    /// <summary>Plain store.</summary>
    None,

    /// <summary>max(c, 0): a ReLU layer's forward.</summary>
    Relu,

    /// <summary>c where the mask (laid out as C) is positive, else 0: a ReLU's derivative applied to the input gradient.</summary>
    Mask,
}

/// <summary>One product to split: raw operands, its epilogue and the routine that computes a range of it.</summary>
internal unsafe struct GemmTask
{
    public void* A;
    public nint ARowStride;
    public nint ADepthStride;
    public void* B;
    public void* C;
    public int Rows;
    public int Depth;
    public int Columns;
    public bool Accumulate;
    public KernelPath Path;

    /// <summary>Row vector C starts from when not accumulating (null: zero).</summary>
    public void* Bias;

    /// <summary>For <see cref="EpilogueMode.Mask"/>: a matrix laid out as C.</summary>
    public void* Mask;

    public EpilogueMode Mode;

    /// <summary>The size of the dimension <see cref="ComputeRange"/> cuts: rows of C, or its columns.</summary>
    public int Extent;

    /// <summary>Computes [start, end) of <see cref="Extent"/>: the same sums, in the same order, as the whole product.</summary>
    public delegate*<in GemmTask, int, int, void> ComputeRange;
}

/// <summary>
/// A second thread that can take the range [split, task.Extent) of a product while the caller computes
/// rows [0, split): see <see cref="Gemm.SplitWith"/>. An algorithm that already keeps a worker thread
/// for its own concurrent passes lends it to the products of its serial passes this way, so both
/// cores stay busy without a third thread competing for them.
/// </summary>
internal interface IGemmPartner
{
    /// <summary>Computes the product's ranges [0, <paramref name="split"/>) and [split, Extent), one on each thread (either may take either); returns when both are done.</summary>
    void RunSplit(in GemmTask task, int split);
}

/// <summary>
/// A few dedicated background threads that take row ranges of one <see cref="GemmTask"/> while the
/// caller computes its own share. Unlike Parallel.For it allocates nothing per call, and the
/// operands stay pinned because the caller waits for every range before it returns.
/// </summary>
internal static unsafe class GemmThreadPool
{
    /// <summary>Upper bound on threads per product.</summary>
    public const int MaxThreads = 64;

    // A claim counter this far past any chunk count means "no task": a late-waking worker that
    // increments it finds nothing to do.
    private const int Idle = int.MaxValue / 2;

    private static readonly Lock Gate = new();
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly ManualResetEventSlim Done = new(false);
    private static GemmTask _task;
    private static int _chunkCount;
    private static int _nextChunk = Idle;
    private static int _pendingChunks;
    private static int _workerCount;

    /// <summary>Runs <paramref name="task"/> split into <paramref name="threads"/> row ranges, on the caller and helpers.</summary>
    public static void Run(in GemmTask task, int threads)
    {
        // One product at a time owns the helpers; a concurrent caller (say, envs stepping in
        // parallel) simply computes on its own thread.
        if (!Gate.TryEnter())
        {
            task.ComputeRange(task, 0, task.Extent);
            return;
        }

        try
        {
            EnsureWorkers(threads - 1);
            _task = task;
            _chunkCount = threads;
            _pendingChunks = threads;
            Done.Reset();

            // Publishing the counter last makes every field above visible to whoever claims a chunk.
            Volatile.Write(ref _nextChunk, 0);
            Wake.Release(threads - 1);
            RunChunks();
            Done.Wait();
            Volatile.Write(ref _nextChunk, Idle);
        }
        finally
        {
            Gate.Exit();
        }
    }

    private static void RunChunks()
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref _nextChunk) - 1;
            int chunkCount = _chunkCount;
            if (chunk >= chunkCount)
            {
                return;
            }

            (int start, int end) = ChunkRows(_task.Extent, chunkCount, chunk);
            if (end > start)
            {
                _task.ComputeRange(_task, start, end);
            }

            if (Interlocked.Decrement(ref _pendingChunks) == 0)
            {
                Done.Set();
            }
        }
    }

    /// <summary>Splits rows into near-equal ranges whose boundaries fall on whole register tiles.</summary>
    internal static (int Start, int End) ChunkRows(int rows, int chunkCount, int chunk)
    {
        int tiles = (rows + GemmKernels.TileRows - 1) / GemmKernels.TileRows;
        int start = (int)((long)tiles * chunk / chunkCount) * GemmKernels.TileRows;
        int end = (int)((long)tiles * (chunk + 1) / chunkCount) * GemmKernels.TileRows;
        return (Math.Min(start, rows), Math.Min(end, rows));
    }

    private static void EnsureWorkers(int count)
    {
        while (_workerCount < count)
        {
            var worker = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"SharpRL GEMM worker {_workerCount + 1}",
            };
            worker.Start();
            _workerCount++;
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            Wake.Wait();
            RunChunks();
        }
    }
}
