using SharpRL.Nn;

namespace SharpRL.Tests.Distributions;

/// <summary>Test-only module of the lecture's 1-D example: logits z(θ) = (θ, 0) for every input row.</summary>
internal sealed class ScalarLogitNetwork : IModule<double>
{
    private readonly Parameter<double>[] _parameters = [new Parameter<double>("theta", 1)];

    public int InputSize => 1;

    public int OutputSize => 2;

    public IReadOnlyList<Parameter<double>> Parameters => _parameters;

    public Parameter<double> Theta => _parameters[0];

    public void Forward(ReadOnlySpan<double> input, Span<double> output, int batchSize)
    {
        for (int i = 0; i < batchSize; i++)
        {
            output[2 * i] = Theta.Value[0];
            output[(2 * i) + 1] = 0;
        }
    }

    public void Backward(ReadOnlySpan<double> gradOutput, Span<double> gradInput, int batchSize)
    {
        for (int i = 0; i < batchSize; i++)
        {
            Theta.Gradient[0] += gradOutput[2 * i];
        }
    }

    public void Jvp(ReadOnlySpan<double> input, ReadOnlySpan<double> inputTangent, Span<double> output, Span<double> outputTangent, int batchSize)
    {
        Forward(input, output, batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            outputTangent[2 * i] = Theta.Tangent[0];
            outputTangent[(2 * i) + 1] = 0;
        }
    }
}
