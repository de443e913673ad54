using SharpRL.Nn.Kernels;

namespace SharpRL.Experiments;

/// <summary>Which products of a linear layer a <see cref="KernelBenchmarkResult"/> timed.</summary>
public enum KernelPass
{
    /// <summary>Y = X·W (<see cref="Gemm.Multiply{T}"/>): 2·batch·in·out flops.</summary>
    Forward,

    /// <summary>dX = dY·Wᵀ (<see cref="Gemm.MultiplyTransposedB{T}"/>): 2·batch·in·out flops.</summary>
    InputGradient,

    /// <summary>dW += Xᵀ·dY (<see cref="Gemm.MultiplyTransposedA{T}"/>): 2·batch·in·out flops.</summary>
    WeightGradient,

    /// <summary>Input gradient then weight gradient: 4·batch·in·out flops.</summary>
    Backward,

    /// <summary>Forward, input gradient and weight gradient: 6·batch·in·out flops.</summary>
    ForwardBackward,
}

/// <summary>Throughput of one pass of a linear layer of shape batch × in × out, float32.</summary>
/// <param name="Batch">Rows of X.</param>
/// <param name="Inputs">Input features (rows of W).</param>
/// <param name="Outputs">Output features (columns of W).</param>
/// <param name="Pass">Which products were timed.</param>
/// <param name="Threads">The <see cref="Gemm.MaxDegreeOfParallelism"/> in force.</param>
/// <param name="BestGflops">GFLOP/s of the fastest of many ~1 ms samples (the least disturbed by other processes).</param>
/// <param name="MedianGflops">GFLOP/s of the median timing sample.</param>
/// <param name="MicrosecondsPerCall">Time of one pass in the fastest sample.</param>
public sealed record KernelBenchmarkResult(
    int Batch,
    int Inputs,
    int Outputs,
    KernelPass Pass,
    int Threads,
    double BestGflops,
    double MedianGflops,
    double MicrosecondsPerCall);

/// <summary>
/// Measures the GEMM kernels on the shapes of typical RL networks (64×64 MLPs at several batch
/// sizes, and a 400×300 DDPG/TD3 layer), for <c>sharprl bench kernels</c>.
/// </summary>
public static class KernelBenchmark
{
    private const int SampleMilliseconds = 1;

    private const int MinSamples = 5;

    /// <summary>The default shapes: (batch, in, out).</summary>
    public static IReadOnlyList<(int Batch, int Inputs, int Outputs)> DefaultShapes { get; } =
    [
        (8, 64, 64),
        (64, 64, 64),
        (256, 64, 64),
        (2048, 64, 64),
        (256, 400, 300),
    ];

    /// <summary>Times every pass of every shape in <see cref="DefaultShapes"/>.</summary>
    /// <param name="threads">Threads per product (see <see cref="Gemm.MaxDegreeOfParallelism"/>).</param>
    /// <param name="perCase">Measuring time per shape and pass, after a warm-up of a fifth of it.</param>
    public static IReadOnlyList<KernelBenchmarkResult> Run(int threads, TimeSpan perCase) => Run(threads, perCase, DefaultShapes);

    /// <summary>Times every pass of every given shape.</summary>
    /// <param name="threads">Threads per product (see <see cref="Gemm.MaxDegreeOfParallelism"/>).</param>
    /// <param name="perCase">Measuring time per shape and pass, after a warm-up of a fifth of it.</param>
    /// <param name="shapes">(batch, in, out) triples, each positive.</param>
    public static IReadOnlyList<KernelBenchmarkResult> Run(int threads, TimeSpan perCase, IReadOnlyList<(int Batch, int Inputs, int Outputs)> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        if (perCase <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(perCase), perCase, "perCase must be a positive duration.");
        }

        int previousThreads = Gemm.MaxDegreeOfParallelism;
        Gemm.MaxDegreeOfParallelism = threads;
        try
        {
            var results = new List<KernelBenchmarkResult>();
            foreach ((int batch, int inputs, int outputs) in shapes)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch, nameof(shapes));
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs, nameof(shapes));
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs, nameof(shapes));
                var layer = new LayerBuffers(batch, inputs, outputs);
                foreach (KernelPass pass in Enum.GetValues<KernelPass>())
                {
                    results.Add(Measure(layer, pass, threads, perCase));
                }
            }

            return results;
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = previousThreads;
        }
    }

    /// <summary>A table with one row per shape and the best and median GFLOP/s of each pass as columns.</summary>
    public static string Format(IReadOnlyList<KernelBenchmarkResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        KernelPass[] passes = Enum.GetValues<KernelPass>();
        var text = new StringBuilder();
        CultureInfo inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"{"batch×in×out",-16}{"threads",8}");
        foreach (KernelPass pass in passes)
        {
            text.Append(inv, $"{pass,17}");
        }

        text.Append(inv, $"{"fwd+bwd µs",12}").AppendLine();
        foreach (IGrouping<(int, int, int, int), KernelBenchmarkResult> shape in results.GroupBy(r => (r.Batch, r.Inputs, r.Outputs, r.Threads)))
        {
            KernelBenchmarkResult first = shape.First();
            text.Append(inv, $"{$"{first.Batch}×{first.Inputs}×{first.Outputs}",-16}{first.Threads,8}");
            foreach (KernelPass pass in passes)
            {
                KernelBenchmarkResult? result = shape.FirstOrDefault(r => r.Pass == pass);
                text.Append(inv, $"{(result is null ? "-" : $"{result.BestGflops.ToString("F1", inv)} / {result.MedianGflops.ToString("F1", inv)}"),17}");
            }

            KernelBenchmarkResult? total = shape.FirstOrDefault(r => r.Pass == KernelPass.ForwardBackward);
            text.Append(inv, $"{(total is null ? "-" : total.MicrosecondsPerCall.ToString("F2", inv)),12}").AppendLine();
        }

        text.AppendLine("GFLOP/s, float32: best / median of ~1 ms samples; a product of m×k by k×n counts 2·m·k·n flops.");
        return text.ToString();
    }

    private static KernelBenchmarkResult Measure(LayerBuffers layer, KernelPass pass, int threads, TimeSpan perCase)
    {
        double flopsPerCall = FlopsPerCall(layer, pass);
        long warmUpEnd = Stopwatch.GetTimestamp() + (long)(perCase.TotalSeconds / 5 * Stopwatch.Frequency);
        do
        {
            layer.Execute(pass, 1);
        }
        while (Stopwatch.GetTimestamp() < warmUpEnd);

        // Short samples, many of them: on a busy machine some samples still run undisturbed within
        // one scheduler time slice, and the best of them shows what the kernel itself can do.
        int callsPerSample = 1;
        long sampleTicks = Stopwatch.Frequency / 1000 * SampleMilliseconds;
        while (Time(layer, pass, callsPerSample) < sampleTicks / 2 && callsPerSample < 1 << 24)
        {
            callsPerSample *= 2;
        }

        var secondsPerCall = new List<double>();
        long end = Stopwatch.GetTimestamp() + (long)(perCase.TotalSeconds * Stopwatch.Frequency);
        while (secondsPerCall.Count < MinSamples || Stopwatch.GetTimestamp() < end)
        {
            secondsPerCall.Add((double)Time(layer, pass, callsPerSample) / Stopwatch.Frequency / callsPerSample);
        }

        secondsPerCall.Sort();
        return new KernelBenchmarkResult(
            layer.Batch,
            layer.Inputs,
            layer.Outputs,
            pass,
            threads,
            BestGflops: flopsPerCall / secondsPerCall[0] / 1e9,
            MedianGflops: flopsPerCall / secondsPerCall[secondsPerCall.Count / 2] / 1e9,
            MicrosecondsPerCall: secondsPerCall[0] * 1e6);
    }

    private static long Time(LayerBuffers layer, KernelPass pass, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        layer.Execute(pass, calls);
        return Stopwatch.GetTimestamp() - start;
    }

    private static double FlopsPerCall(LayerBuffers layer, KernelPass pass)
    {
        double product = 2.0 * layer.Batch * layer.Inputs * layer.Outputs;
        return pass switch
        {
            KernelPass.Backward => 2 * product,
            KernelPass.ForwardBackward => 3 * product,
            _ => product,
        };
    }

    /// <summary>X, W, Y and their gradients for one linear layer, W stored [in × out].</summary>
    private sealed class LayerBuffers
    {
        private readonly float[] _x;
        private readonly float[] _w;
        private readonly float[] _y;
        private readonly float[] _gradY;
        private readonly float[] _gradX;
        private readonly float[] _gradW;

        public LayerBuffers(int batch, int inputs, int outputs)
        {
            Batch = batch;
            Inputs = inputs;
            Outputs = outputs;
            var random = new Random(12345);
            _x = RandomArray(random, batch * inputs);
            _w = RandomArray(random, inputs * outputs);
            _gradY = RandomArray(random, batch * outputs);
            _y = new float[batch * outputs];
            _gradX = new float[batch * inputs];
            _gradW = new float[inputs * outputs];
        }

        public int Batch { get; }

        public int Inputs { get; }

        public int Outputs { get; }

        public void Execute(KernelPass pass, int calls)
        {
            for (int i = 0; i < calls; i++)
            {
                if (pass is KernelPass.Forward or KernelPass.ForwardBackward)
                {
                    Gemm.Multiply<float>(_x, _w, _y, Batch, Inputs, Outputs);
                }

                if (pass is KernelPass.InputGradient or KernelPass.Backward or KernelPass.ForwardBackward)
                {
                    Gemm.MultiplyTransposedB<float>(_gradY, _w, _gradX, Batch, Outputs, Inputs);
                }

                if (pass is KernelPass.WeightGradient or KernelPass.Backward or KernelPass.ForwardBackward)
                {
                    // The gradient keeps growing across calls; with inputs in [-1, 1] it stays far from overflow.
                    Gemm.MultiplyTransposedA<float>(_x, _gradY, _gradW, Inputs, Batch, Outputs, accumulate: true);
                }
            }
        }

        private static float[] RandomArray(Random random, int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return values;
        }
    }
}
