using SharpRL.Nn;

namespace SharpRL.Tests.Distributions;

/// <summary>
/// Test-only network y = W₂ tanh(W₁ x + b₁) + b₂ with hand-written Backward and Jvp, so the
/// Fisher-vector product can be tested independently of the library's Mlp.
/// </summary>
internal sealed class TanhTwoLayerNetwork : IModule<double>
{
    private readonly Parameter<double> _weight1;
    private readonly Parameter<double> _bias1;
    private readonly Parameter<double> _weight2;
    private readonly Parameter<double> _bias2;
    private readonly Parameter<double>[] _parameters;
    private readonly int _hiddenSize;
    private double[] _input = [];
    private double[] _hidden = [];
    private double[] _hiddenTangent = [];

    public TanhTwoLayerNetwork(int inputSize, int hiddenSize, int outputSize, Random random)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        _hiddenSize = hiddenSize;
        _weight1 = new Parameter<double>("w1", hiddenSize, inputSize);
        _bias1 = new Parameter<double>("b1", hiddenSize);
        _weight2 = new Parameter<double>("w2", outputSize, hiddenSize);
        _bias2 = new Parameter<double>("b2", outputSize);
        _parameters = [_weight1, _bias1, _weight2, _bias2];
        foreach (Parameter<double> parameter in _parameters)
        {
            for (int k = 0; k < parameter.Length; k++)
            {
                parameter.Value[k] = (2 * random.NextDouble()) - 1;
            }
        }
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public IReadOnlyList<Parameter<double>> Parameters => _parameters;

    public void Forward(ReadOnlySpan<double> input, Span<double> output, int batchSize)
        => Jvp(input, [], output, [], batchSize, withTangent: false);

    public void Jvp(ReadOnlySpan<double> input, ReadOnlySpan<double> inputTangent, Span<double> output, Span<double> outputTangent, int batchSize)
        => Jvp(input, inputTangent, output, outputTangent, batchSize, withTangent: true);

    public void Backward(ReadOnlySpan<double> gradOutput, Span<double> gradInput, int batchSize)
    {
        int n = InputSize;
        int h = _hiddenSize;
        int m = OutputSize;
        if (!gradInput.IsEmpty)
        {
            gradInput[..(batchSize * n)].Clear();
        }

        for (int i = 0; i < batchSize; i++)
        {
            ReadOnlySpan<double> x = _input.AsSpan(i * n, n);
            ReadOnlySpan<double> hidden = _hidden.AsSpan(i * h, h);
            ReadOnlySpan<double> g = gradOutput.Slice(i * m, m);
            for (int o = 0; o < m; o++)
            {
                _bias2.Gradient[o] += g[o];
                for (int k = 0; k < h; k++)
                {
                    _weight2.Gradient[(o * h) + k] += g[o] * hidden[k];
                }
            }

            for (int k = 0; k < h; k++)
            {
                // δ = (W₂ᵀ g) ⊙ (1 − tanh²)
                double delta = 0;
                for (int o = 0; o < m; o++)
                {
                    delta += _weight2.Value[(o * h) + k] * g[o];
                }

                delta *= 1 - (hidden[k] * hidden[k]);
                _bias1.Gradient[k] += delta;
                for (int c = 0; c < n; c++)
                {
                    _weight1.Gradient[(k * n) + c] += delta * x[c];
                    if (!gradInput.IsEmpty)
                    {
                        gradInput[(i * n) + c] += delta * _weight1.Value[(k * n) + c];
                    }
                }
            }
        }
    }

    private void Jvp(ReadOnlySpan<double> input, ReadOnlySpan<double> inputTangent, Span<double> output, Span<double> outputTangent, int batchSize, bool withTangent)
    {
        int n = InputSize;
        int h = _hiddenSize;
        int m = OutputSize;
        if (_input.Length < batchSize * n)
        {
            _input = new double[batchSize * n];
            _hidden = new double[batchSize * h];
            _hiddenTangent = new double[batchSize * h];
        }

        input[..(batchSize * n)].CopyTo(_input);
        for (int i = 0; i < batchSize; i++)
        {
            ReadOnlySpan<double> x = input.Slice(i * n, n);
            for (int k = 0; k < h; k++)
            {
                double pre = _bias1.Value[k];
                double preTangent = _bias1.Tangent[k];
                for (int c = 0; c < n; c++)
                {
                    pre += _weight1.Value[(k * n) + c] * x[c];
                    preTangent += _weight1.Tangent[(k * n) + c] * x[c];
                    if (!inputTangent.IsEmpty)
                    {
                        preTangent += _weight1.Value[(k * n) + c] * inputTangent[(i * n) + c];
                    }
                }

                double hidden = Math.Tanh(pre);
                _hidden[(i * h) + k] = hidden;
                _hiddenTangent[(i * h) + k] = (1 - (hidden * hidden)) * preTangent;
            }

            for (int o = 0; o < m; o++)
            {
                double y = _bias2.Value[o];
                double yTangent = _bias2.Tangent[o];
                for (int k = 0; k < h; k++)
                {
                    y += _weight2.Value[(o * h) + k] * _hidden[(i * h) + k];
                    yTangent += (_weight2.Tangent[(o * h) + k] * _hidden[(i * h) + k]) + (_weight2.Value[(o * h) + k] * _hiddenTangent[(i * h) + k]);
                }

                output[(i * m) + o] = y;
                if (withTangent)
                {
                    outputTangent[(i * m) + o] = yTangent;
                }
            }
        }
    }
}
