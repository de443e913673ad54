using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// Invalid-action masking of categorical logits (Huang &amp; Ontañón 2020, "A Closer Look at Invalid Action
/// Masking in Policy Gradient Algorithms"): each disallowed logit is replaced by <see cref="MaskedLogit"/>.
/// exp(MaskedLogit − max) underflows to exactly 0 in float and double, so for the allowed set A every formula
/// of <see cref="Categorical{T}"/> / <see cref="MultiCategorical{T}"/> becomes the one of softmax over A:
/// p_j = 0 off A, ln π(a) = z_a − ln Σ_{k∈A} e^{z_k}, H and KL sum over A only (0 · finite = 0), a masked
/// action is never sampled nor the mode, and every gradient with respect to a masked logit is 0, which is
/// exact: the replaced logit is a constant. Unmasked inputs are not touched, so a run without masks is
/// bit-identical to one before masking existed.
/// </summary>
public static class ActionMasking
{
    /// <summary>The logit given to a disallowed action: finite (the distributions reject ±∞), far below any real logit.</summary>
    public const double MaskedLogit = -1e9;

    /// <summary>
    /// Replaces the disallowed logits of <paramref name="rows"/> rows in place. Row i's logits are the
    /// components of <paramref name="componentSizes"/> side by side (one component for a Categorical).
    /// </summary>
    /// <param name="logits">[rows × Σ componentSizes] logits, overwritten where the mask is false.</param>
    /// <param name="mask">[rows × Σ componentSizes] flags, true = allowed.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="componentSizes">Categories per component.</param>
    /// <exception cref="ArgumentException">A length is wrong, or some component of some row allows no action.</exception>
    public static void Apply<T>(Span<T> logits, ReadOnlySpan<bool> mask, int rows, ReadOnlySpan<int> componentSizes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Check(mask, rows, componentSizes);
        if (logits.Length < rows * width)
        {
            throw new ArgumentException($"logits has {logits.Length} values; expected {rows} rows × {width}.", nameof(logits));
        }

        T masked = T.CreateChecked(MaskedLogit);
        for (int index = 0; index < rows * width; index++)
        {
            if (!mask[index])
            {
                logits[index] = masked;
            }
        }
    }

    /// <summary>Zeroes the entries of a gradient (or tangent) at disallowed logits: the replaced logit does not depend on the network.</summary>
    /// <param name="values">[rows × width] values.</param>
    /// <param name="mask">[rows × width] flags, true = allowed.</param>
    public static void ZeroMasked<T>(Span<T> values, ReadOnlySpan<bool> mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Math.Min(values.Length, mask.Length);
        for (int index = 0; index < count; index++)
        {
            if (!mask[index])
            {
                values[index] = T.Zero;
            }
        }
    }

    /// <summary>
    /// Checks that <paramref name="mask"/> has [rows × Σ componentSizes] flags and allows at least one action in
    /// every component of every row; returns Σ componentSizes.
    /// </summary>
    /// <param name="mask">Flags, true = allowed.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="componentSizes">Categories per component.</param>
    /// <param name="describeRow">Names row i in the error (e.g. "env 2 at timestep 512"); "row i" when null.</param>
    public static int Check(ReadOnlySpan<bool> mask, int rows, ReadOnlySpan<int> componentSizes, Func<int, string>? describeRow = null)
    {
        int width = 0;
        foreach (int size in componentSizes)
        {
            width += size;
        }

        if (mask.Length != rows * width)
        {
            throw new ArgumentException($"The action mask has {mask.Length} flags; expected {rows} rows × {width} (one flag per discrete choice).", nameof(mask));
        }

        for (int row = 0; row < rows; row++)
        {
            int offset = row * width;
            for (int component = 0; component < componentSizes.Length; component++)
            {
                int size = componentSizes[component];
                if (!mask.Slice(offset, size).Contains(true))
                {
                    string where = describeRow?.Invoke(row) ?? $"row {row}";
                    string which = componentSizes.Length > 1 ? $" component {component} of" : string.Empty;
                    throw new ArgumentException(
                        $"The action mask of {where} allows no action in{which} its {size} choices; a mask needs at least one true flag per component.",
                        nameof(mask));
                }

                offset += size;
            }
        }

        return width;
    }
}
