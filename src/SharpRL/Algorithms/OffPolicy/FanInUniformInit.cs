using System.Numerics;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// torch.nn.Linear's default initialisation, which SB3's and CleanRL's off-policy networks keep:
/// every weight and bias ~ U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5 reduces to this bound).
/// </summary>
public static class FanInUniformInit
{
    /// <summary>Initialises every layer of <paramref name="network"/>.</summary>
    public static void Apply<T>(Mlp<T> network, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        foreach (Linear<T> layer in network.Layers)
        {
            double bound = 1.0 / Math.Sqrt(layer.InputSize);
            Fill(layer.Weight.Value, bound, random);
            Fill(layer.Bias.Value, bound, random);
        }
    }

    private static void Fill<T>(Span<T> values, double bound, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateChecked(bound * ((2 * random.NextDouble()) - 1));
        }
    }
}
