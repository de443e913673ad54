using System.Buffers.Binary;
using System.Text;
using SharpRL.Serialization;

namespace SharpRL.Tests.Serialization;

public class SafeTensorsTests
{
    [Fact]
    public void Serialize_TinyF32Tensor_MatchesHandComputedBytes()
    {
        SafeTensor w = SafeTensor.Create<float>("w", [1.0f, -2.0f], 2);
        byte[] bytes = SafeTensors.Serialize([w]);

        // The JSON is 54 bytes; 8 + 54 = 62, so 2 spaces pad the header to N = 56 and the data to offset 64.
        string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        Assert.Equal(54, json.Length);
        byte[] expected =
        [
            56, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(json), (byte)' ', (byte)' ',
            0x00, 0x00, 0x80, 0x3F, // 1.0f = 0x3F800000, little-endian
            0x00, 0x00, 0x00, 0xC0, // -2.0f = 0xC0000000
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Serialize_ReferenceImplementationExample_SameBytes()
    {
        // The reference implementation's own serialisation example: "attn.0", F32, shape [1, 2, 3],
        // values 0..5; its 64-byte header needs no padding.
        SafeTensor attention = SafeTensor.Create<float>("attn.0", [0f, 1f, 2f, 3f, 4f, 5f], 1, 2, 3);
        byte[] bytes = SafeTensors.Serialize([attention]);
        string json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, .. Encoding.ASCII.GetBytes(json),
            0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Serialize_NoTensorsWithMetadata_MetadataFirstAndPadded()
    {
        byte[] bytes = SafeTensors.Serialize([], new Dictionary<string, string> { ["framework"] = "pt" });
        string json = "{\"__metadata__\":{\"framework\":\"pt\"}}";
        Assert.Equal([40, 0, 0, 0, 0, 0, 0, 0, .. Encoding.ASCII.GetBytes(json), 32, 32, 32, 32, 32], bytes);
    }

    [Fact]
    public void Deserialize_AllDTypesScalarAndEmpty_RoundTrip()
    {
        var metadata = new Dictionary<string, string> { ["algorithm"] = "PPO", ["note"] = "ünïcode + <tags>" };
        SafeTensor[] tensors =
        [
            SafeTensor.Create<float>("f32", [1.5f, float.NaN, -0f, float.MaxValue, 1e-45f, 7f], 2, 3),
            SafeTensor.Create<double>("f64.scalar", [Math.PI]),
            SafeTensor.Create<int>("i32", [int.MinValue, -1, int.MaxValue], 3),
            SafeTensor.Create<long>("i64", [long.MinValue, 42], 2, 1),
            SafeTensor.Create<float>("empty", [], 0, 3),
        ];
        SafeTensorsFile file = SafeTensors.Deserialize(SafeTensors.Serialize(tensors, metadata));

        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        foreach (SafeTensor original in tensors)
        {
            Assert.True(file.TryGetTensor(original.Name, out SafeTensor? read));
            Assert.Equal(original.DType, read.DType);
            Assert.Equal(original.Shape, read.Shape);
            Assert.Equal(original.RawData.ToArray(), read.RawData.ToArray());
        }

        Assert.Equal([Math.PI], file.Tensors[1].ToArray<double>());
        Assert.Empty(file.Tensors[1].Shape);
        Assert.Equal([long.MinValue, 42], file.Tensors[3].ToArray<long>());
    }

    [Fact]
    public void CopyTo_StoredF64IntoFloat_Converts()
    {
        SafeTensor tensor = SafeTensor.Create<double>("x", [0.1, -2.5], 2);
        Assert.Equal([0.1f, -2.5f], tensor.ToArray<float>());
        Assert.Throws<ArgumentException>(() => tensor.CopyTo<float>(new float[3]));
    }

    [Fact]
    public void Create_InvalidArguments_ThrowWithNames()
    {
        Assert.Contains("shape [2, 2] = 4 elements but 3 values", Assert.Throws<ArgumentException>(() => SafeTensor.Create<float>("x", [1f, 2f, 3f], 2, 2)).Message);
        Assert.Throws<ArgumentException>(() => SafeTensor.Create<float>("__metadata__", [1f], 1));
        Assert.Throws<ArgumentException>(() => SafeTensor.Create<short>("x", [(short)1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SafeTensor.Create<float>("x", [], -1));
        SafeTensor a = SafeTensor.Create<float>("a", [1f], 1);
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([a, a])).Message);
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void Deserialize_CorruptFile_ThrowsNamingTheProblem(string description, byte[] bytes, string expectedFragment)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes, "model.safetensors"));
        Assert.Contains("'model.safetensors'", ex.Message);
        Assert.True(ex.Message.Contains(expectedFragment, StringComparison.Ordinal), $"{description}: message was \"{ex.Message}\"");
    }

    public static TheoryData<string, byte[], string> CorruptFiles()
    {
        byte[] valid = SafeTensors.Serialize([SafeTensor.Create<float>("a", [1f, 2f], 2), SafeTensor.Create<float>("b", [3f], 1)]);
        return new TheoryData<string, byte[], string>
        {
            { "shorter than the prefix", [1, 2, 3], "shorter than the 8-byte header-length prefix" },
            { "header longer than file", valid[..40], "only 32 bytes follow it" },
            { "huge header length", [.. BitConverter.GetBytes(ulong.MaxValue), .. valid[8..]], "more than the 100000000-byte limit" },
            { "truncated data", valid[..^2], "the file is truncated" },
            { "trailing garbage", [.. valid, 0, 0, 0, 0], "trailing bytes no tensor claims" },
            { "not JSON", File("{\"a\":", []), "not well-formed JSON" },
            { "not an object", File("[1,2]", []), "must be a JSON object, but it is a JSON Array" },
            { "invalid UTF-8", [.. BitConverter.GetBytes(2UL), 0xC3, 0x28], "not valid UTF-8" },
            { "unknown dtype", File("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", [0, 0]), "dtype 'F16'" },
            { "missing dtype", File("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "no string 'dtype'" },
            { "negative dimension", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "shape entry -1 at axis 0" },
            { "reversed offsets", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", [0, 0, 0, 0]), "data_offsets [4,0]" },
            { "wrong byte count", File("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]), "i.e. 8 bytes, but its data_offsets [0, 4] span 4 bytes" },
            {
                "overlap",
                File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "tensor 'b' starts at byte 4 and so overlaps tensor 'a', which ends at byte 8"
            },
            {
                "gap",
                File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]),
                "leaves a gap after tensor 'a'"
            },
            { "gap at start", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "leaves a gap after the start of the data" },
            { "duplicate key", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", []), "the key 'a' twice" },
            { "metadata not strings", File("{\"__metadata__\":{\"step\":5}}", []), "entry 'step' must be a string" },
            { "overflowing shape", File("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", new byte[8]), "overflows" },
        };
    }

    // Builds a file from a header text and data, padding the header as the writer would.
    private static byte[] File(string json, byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        int padding = (8 - (header.Length % 8)) % 8;
        byte[] prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(header.Length + padding));
        return [.. prefix, .. header, .. Enumerable.Repeat((byte)' ', padding), .. data];
    }
}
