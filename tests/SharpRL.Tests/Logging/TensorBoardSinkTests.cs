using System.Buffers.Binary;
using System.Text;
using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class TensorBoardSinkTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);

    [Fact]
    public void Constructor_FixedClock_NamesFileByUnixTimeAndHost()
    {
        using var directory = new TempDirectory();
        using var sink = new TensorBoardSink(directory.Path, new FixedTimeProvider(Now), "testhost");
        Assert.Equal("events.out.tfevents.1700000000.testhost", Path.GetFileName(sink.FilePath));
        using var second = new TensorBoardSink(directory.Path, new FixedTimeProvider(Now), "testhost");
        Assert.Equal("events.out.tfevents.1700000000.testhost.1", Path.GetFileName(second.FilePath));
    }

    [Fact]
    public void Dump_ThreeUpdates_IndependentDecoderReadsEveryCrcTagStepAndValue()
    {
        using var directory = new TempDirectory();
        string path;
        using (var logger = new MetricsLogger(new TensorBoardSink(directory.Path, new FixedTimeProvider(Now), "testhost")))
        {
            path = ((TensorBoardSink)logger.Sinks[0]).FilePath;
            logger.Record(MetricKeys.ApproxKl, 0.0125);
            logger.Record(MetricKeys.EpisodeRewardMean, -123.5);
            logger.Record(MetricKeys.TotalTimesteps, 2048);
            logger.Dump(2048);
            logger.Record(MetricKeys.ApproxKl, double.NaN);
            logger.Record("custom/ünïcode", 1e30);
            logger.Dump(300_000_000_000);
            logger.Record(MetricKeys.Loss, 0.5);
            logger.Dump(-1);
        }

        List<DecodedEvent> events = DecodeEventFile(File.ReadAllBytes(path));
        Assert.Equal(4, events.Count);

        double expectedWallTime = 1_700_000_000.25;
        Assert.All(events, e => Assert.Equal(expectedWallTime, e.WallTime));
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Empty(events[0].Values);

        Assert.Equal(2048, events[1].Step);
        Assert.Equal(
            [("train/approx_kl", 0.0125f), ("rollout/ep_rew_mean", -123.5f), ("time/total_timesteps", 2048f)],
            events[1].Values);

        Assert.Equal(300_000_000_000, events[2].Step);
        Assert.Equal("train/approx_kl", events[2].Values[0].Tag);
        Assert.True(float.IsNaN(events[2].Values[0].Value));
        Assert.Equal(("custom/ünïcode", 1e30f), events[2].Values[1]);

        Assert.Equal(-1, events[3].Step);
        Assert.Equal([("train/loss", 0.5f)], events[3].Values);
    }

    [Fact]
    public void Dump_BeforeDispose_RecordIsAlreadyInFile()
    {
        using var directory = new TempDirectory();
        var sink = new TensorBoardSink(directory.Path, new FixedTimeProvider(Now), "testhost");
        using var logger = new MetricsLogger(sink);
        logger.Record(MetricKeys.Fps, 1234);
        logger.Dump(10);

        using var stream = new FileStream(sink.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        List<DecodedEvent> events = DecodeEventFile(copy.ToArray());
        Assert.Equal(2, events.Count);
        Assert.Equal([("time/fps", 1234f)], events[1].Values);
    }

    [Fact]
    public void Write_ManyLongTags_GrowsBufferAndStaysDecodable()
    {
        using var directory = new TempDirectory();
        var metrics = new List<KeyValuePair<string, double>>();
        for (int i = 0; i < 300; i++)
        {
            metrics.Add(new KeyValuePair<string, double>($"group/{new string('x', 40)}{i}", i));
        }

        string path;
        using (var sink = new TensorBoardSink(directory.Path, new FixedTimeProvider(Now), "h"))
        {
            path = sink.FilePath;
            sink.Write(7, metrics);
        }

        DecodedEvent decoded = DecodeEventFile(File.ReadAllBytes(path))[1];
        Assert.Equal(300, decoded.Values.Count);
        Assert.Equal(($"group/{new string('x', 40)}299", 299f), decoded.Values[299]);
    }

    private sealed record DecodedEvent(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Values);

    // An independent reader: TFRecord framing with its own bitwise CRC-32C, and a minimal protobuf parser.
    private static List<DecodedEvent> DecodeEventFile(byte[] file)
    {
        var events = new List<DecodedEvent>();
        int at = 0;
        while (at < file.Length)
        {
            Assert.True(file.Length - at >= 12, $"record header truncated at byte {at}");
            ReadOnlySpan<byte> lengthBytes = file.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8, 4));
            Assert.Equal(MaskedCrc(lengthBytes), lengthCrc);
            at += 12;
            Assert.True((ulong)(file.Length - at) >= length + 4, $"record data truncated at byte {at}");
            ReadOnlySpan<byte> data = file.AsSpan(at, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + (int)length, 4));
            Assert.Equal(MaskedCrc(data), dataCrc);
            events.Add(ParseEvent(data));
            at += (int)length + 4;
        }

        return events;
    }

    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32CTests.BitwiseCrc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
    }

    private static DecodedEvent ParseEvent(ReadOnlySpan<byte> data)
    {
        double wallTime = double.NaN;
        long step = 0;
        string? fileVersion = null;
        var values = new List<(string, float)>();
        var reader = new ProtoReader(data.ToArray());
        while (!reader.AtEnd)
        {
            (int field, int wire) = reader.ReadKey();
            switch (field, wire)
            {
                case (1, 1):
                    wallTime = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64());
                    break;
                case (2, 0):
                    step = (long)reader.ReadVarint();
                    break;
                case (3, 2):
                    fileVersion = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case (5, 2):
                    ParseSummary(reader.ReadBytes(), values);
                    break;
                default:
                    Assert.Fail($"unexpected Event field {field} with wire type {wire}");
                    break;
            }
        }

        return new DecodedEvent(wallTime, step, fileVersion, values);
    }

    private static void ParseSummary(byte[] summary, List<(string, float)> values)
    {
        var reader = new ProtoReader(summary);
        while (!reader.AtEnd)
        {
            (int field, int wire) = reader.ReadKey();
            Assert.Equal((1, 2), (field, wire));
            var value = new ProtoReader(reader.ReadBytes());
            string? tag = null;
            float? simpleValue = null;
            while (!value.AtEnd)
            {
                (int valueField, int valueWire) = value.ReadKey();
                if ((valueField, valueWire) == (1, 2))
                {
                    tag = Encoding.UTF8.GetString(value.ReadBytes());
                }
                else if ((valueField, valueWire) == (2, 5))
                {
                    simpleValue = BitConverter.Int32BitsToSingle((int)value.ReadFixed32());
                }
                else
                {
                    Assert.Fail($"unexpected Summary.Value field {valueField} with wire type {valueWire}");
                }
            }

            Assert.NotNull(tag);
            Assert.NotNull(simpleValue);
            values.Add((tag, simpleValue.Value));
        }
    }

    private sealed class ProtoReader(byte[] bytes)
    {
        private int _at;

        public bool AtEnd => _at >= bytes.Length;

        public (int Field, int Wire) ReadKey()
        {
            ulong key = ReadVarint();
            return ((int)(key >> 3), (int)(key & 7));
        }

        public ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                Assert.True(shift < 64, "varint longer than 10 bytes");
                byte b = bytes[_at++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }
        }

        public ulong ReadFixed64()
        {
            ulong value = 0;
            for (int i = 0; i < 8; i++)
            {
                value |= (ulong)bytes[_at++] << (8 * i);
            }

            return value;
        }

        public uint ReadFixed32()
        {
            uint value = 0;
            for (int i = 0; i < 4; i++)
            {
                value |= (uint)bytes[_at++] << (8 * i);
            }

            return value;
        }

        public byte[] ReadBytes()
        {
            int length = checked((int)ReadVarint());
            Assert.True(_at + length <= bytes.Length, "length-delimited field runs past its message");
            byte[] result = bytes[_at..(_at + length)];
            _at += length;
            return result;
        }
    }
}
