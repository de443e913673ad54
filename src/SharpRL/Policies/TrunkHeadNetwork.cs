namespace SharpRL.Policies;

/// <summary>
/// One head on a shared trunk: trunk MLP → hidden activation → linear head. The policy and value
/// networks of a shared-trunk <see cref="ActorCriticPolicy"/> are two of these around the same
/// trunk and activation instances, so their parameter gradients add up in the trunk.
/// </summary>
/// <remarks>
/// The trunk caches one batch: evaluate both heads on the same observations (forward A, backward A,
/// forward B, backward B, or both forwards before both backwards), never concurrently.
/// </remarks>
internal sealed class TrunkHeadNetwork : IModule<float>
{
    private readonly Mlp<float> _trunk;
    private readonly IModule<float> _activation;
    private readonly Linear<float> _head;
    private float[] _trunkOutput = [];
    private float[] _hidden = [];
    private float[] _gradHidden = [];
    private float[] _gradTrunkOutput = [];
    private float[] _trunkTangent = [];
    private float[] _hiddenTangent = [];

    public TrunkHeadNetwork(Mlp<float> trunk, IModule<float> activation, Linear<float> head)
    {
        _trunk = trunk;
        _activation = activation;
        _head = head;
        Parameters = [.. trunk.Parameters, .. head.Parameters];
    }

    public int InputSize => _trunk.InputSize;

    public int OutputSize => _head.OutputSize;

    public IReadOnlyList<Parameter<float>> Parameters { get; }

    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batchSize)
    {
        Ensure(batchSize);
        int h = _trunk.OutputSize * batchSize;
        _trunk.Forward(input, _trunkOutput.AsSpan(0, h), batchSize);
        _activation.Forward(_trunkOutput.AsSpan(0, h), _hidden.AsSpan(0, h), batchSize);
        _head.Forward(_hidden.AsSpan(0, h), output, batchSize);
    }

    public void Backward(ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batchSize)
    {
        int h = _trunk.OutputSize * batchSize;
        _head.Backward(gradOutput, _gradHidden.AsSpan(0, h), batchSize);
        _activation.Backward(_gradHidden.AsSpan(0, h), _gradTrunkOutput.AsSpan(0, h), batchSize);
        _trunk.Backward(_gradTrunkOutput.AsSpan(0, h), gradInput, batchSize);
    }

    public void Jvp(ReadOnlySpan<float> input, ReadOnlySpan<float> inputTangent, Span<float> output, Span<float> outputTangent, int batchSize)
    {
        Ensure(batchSize);
        int h = _trunk.OutputSize * batchSize;
        _trunk.Jvp(input, inputTangent, _trunkOutput.AsSpan(0, h), _trunkTangent.AsSpan(0, h), batchSize);
        _activation.Jvp(_trunkOutput.AsSpan(0, h), _trunkTangent.AsSpan(0, h), _hidden.AsSpan(0, h), _hiddenTangent.AsSpan(0, h), batchSize);
        _head.Jvp(_hidden.AsSpan(0, h), _hiddenTangent.AsSpan(0, h), output, outputTangent, batchSize);
    }

    private void Ensure(int batchSize)
    {
        int size = _trunk.OutputSize * batchSize;
        if (_trunkOutput.Length < size)
        {
            _trunkOutput = new float[size];
            _hidden = new float[size];
            _gradHidden = new float[size];
            _gradTrunkOutput = new float[size];
            _trunkTangent = new float[size];
            _hiddenTangent = new float[size];
        }
    }
}
