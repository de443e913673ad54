using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SharpRL.Logging;

/// <summary>
/// CRC-32C (Castagnoli): the checksum TFRecord framing uses. The base library has no CRC-32C
/// (System.IO.Hashing is a separate package), so it is computed here: with the SSE4.2 / ARMv8
/// CRC32C instructions when present, else with a 256-entry table.
/// </summary>
internal static class Crc32C
{
    /// <summary>The bit-reversed Castagnoli polynomial 0x1EDC6F41.</summary>
    public const uint ReflectedPolynomial = 0x82F63B78;

    private const uint MaskDelta = 0xA282EAD8;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Whether <see cref="ComputeHardware"/> can run on this processor.</summary>
    public static bool IsHardwareAccelerated => Sse42.IsSupported || Crc32.IsSupported;

    /// <summary>CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        IsHardwareAccelerated ? ComputeHardware(data) : ComputeTable(data);

    /// <summary>
    /// TFRecord's masked CRC: rotate right by 15 and add a constant, because a CRC stored next to
    /// the data it covers would otherwise make some embedded CRCs checksum to trivial values.
    /// </summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>Table-driven CRC-32C, one byte per step.</summary>
    public static uint ComputeTable(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = Table[(byte)(crc ^ b)] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>CRC-32C with the processor's CRC32C instructions, eight bytes per step.</summary>
    /// <exception cref="PlatformNotSupportedException">When <see cref="IsHardwareAccelerated"/> is false.</exception>
    public static uint ComputeHardware(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        if (Sse42.X64.IsSupported)
        {
            for (; data.Length >= 8; data = data[8..])
            {
                crc = (uint)Sse42.X64.Crc32(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            }
        }
        else if (Crc32.Arm64.IsSupported)
        {
            for (; data.Length >= 8; data = data[8..])
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            }
        }

        if (Sse42.IsSupported)
        {
            foreach (byte b in data)
            {
                crc = Sse42.Crc32(crc, b);
            }
        }
        else if (Crc32.IsSupported)
        {
            foreach (byte b in data)
            {
                crc = Crc32.ComputeCrc32C(crc, b);
            }
        }
        else
        {
            throw new PlatformNotSupportedException("This processor has no CRC32C instruction; use ComputeTable.");
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint entry = i;
            for (int bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ ReflectedPolynomial : entry >> 1;
            }

            table[i] = entry;
        }

        return table;
    }
}
