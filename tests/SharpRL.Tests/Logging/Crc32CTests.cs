using System.Text;
using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_MatchesCatalogueValue()
    {
        // The CRC catalogue's check value of CRC-32C (iSCSI) for ASCII "123456789".
        byte[] check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, Crc32C.Compute(check));
        Assert.Equal(0xE3069283u, Crc32C.ComputeTable(check));
        Assert.Equal(0xE3069283u, BitwiseCrc32C(check));
    }

    [Fact]
    public void ComputeTable_RandomData_MatchesBitwiseDefinition()
    {
        var random = new Random(1);
        for (int length = 0; length < 70; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(BitwiseCrc32C(data), Crc32C.ComputeTable(data));
        }
    }

    [Fact]
    public void ComputeHardware_WhenSupported_AgreesWithTableForEveryLength()
    {
        if (!Crc32C.IsHardwareAccelerated)
        {
            Assert.Throws<PlatformNotSupportedException>(() => Crc32C.ComputeHardware([1, 2, 3]));
            return;
        }

        var random = new Random(2);
        for (int length = 0; length < 70; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Crc32C.ComputeTable(data), Crc32C.ComputeHardware(data));
        }
    }

    [Fact]
    public void Mask_KnownCrc_RotatesRightBy15AndAddsDelta()
    {
        // rotr(0xE3069283, 15) = 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5 (mod 2^32).
        Assert.Equal(0xC78AB0E5u, Crc32C.Mask(0xE3069283));
    }

    // Bit-at-a-time definition: shift right, xor the reflected Castagnoli polynomial when the low bit was set.
    internal static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
