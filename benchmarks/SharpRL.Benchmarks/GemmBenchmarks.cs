using BenchmarkDotNet.Attributes;
using SharpRL.Nn.Kernels;

namespace SharpRL.Benchmarks;

/// <summary>
/// The three products of a float32 linear layer (W stored [in × out]) at the shapes of
/// SharpRL.Experiments.KernelBenchmark (<c>sharprl bench kernels</c>). Each product costs 2·batch·in·out flops, so
/// GFLOP/s = 2·batch·in·out / mean time in ns (ForwardBackward: three times that).
/// Run: <c>dotnet run -c Release --project benchmarks/SharpRL.Benchmarks -- --filter *GemmBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _x = [];
    private float[] _w = [];
    private float[] _y = [];
    private float[] _gradY = [];
    private float[] _gradX = [];
    private float[] _gradW = [];
    private int _batch;
    private int _inputs;
    private int _outputs;

    /// <summary>batch × in × out.</summary>
    [Params("8x64x64", "64x64x64", "256x64x64", "2048x64x64", "256x400x300")]
    public string Shape { get; set; } = "256x64x64";

    /// <summary>Gemm.MaxDegreeOfParallelism during the run.</summary>
    [Params(1)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Shape.Split('x').Select(int.Parse).ToArray();
        (_batch, _inputs, _outputs) = (sizes[0], sizes[1], sizes[2]);
        var random = new Random(7);
        _x = RandomArray(random, _batch * _inputs);
        _w = RandomArray(random, _inputs * _outputs);
        _gradY = RandomArray(random, _batch * _outputs);
        _y = new float[_batch * _outputs];
        _gradX = new float[_batch * _inputs];
        _gradW = new float[_inputs * _outputs];
        Gemm.MaxDegreeOfParallelism = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => Gemm.MaxDegreeOfParallelism = 1;

    /// <summary>Y = X·W.</summary>
    [Benchmark(Baseline = true)]
    public void Forward() => Gemm.Multiply<float>(_x, _w, _y, _batch, _inputs, _outputs);

    /// <summary>dX = dY·Wᵀ.</summary>
    [Benchmark]
    public void InputGradient() => Gemm.MultiplyTransposedB<float>(_gradY, _w, _gradX, _batch, _outputs, _inputs);

    /// <summary>dW += Xᵀ·dY.</summary>
    [Benchmark]
    public void WeightGradient() => Gemm.MultiplyTransposedA<float>(_x, _gradY, _gradW, _inputs, _batch, _outputs, accumulate: true);

    /// <summary>All three, as one training step of the layer does them.</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        Forward();
        InputGradient();
        WeightGradient();
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
