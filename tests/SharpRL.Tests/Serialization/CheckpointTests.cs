using System.Text.Json.Nodes;
using SharpRL.Nn;
using SharpRL.Rng;
using SharpRL.Serialization;
using SharpRL.Tests.Logging;

namespace SharpRL.Tests.Serialization;

public class CheckpointTests
{
    [Fact]
    public void SaveLoad_FullCheckpoint_RoundTripsEveryField()
    {
        using var directory = new TempDirectory();
        var rng = new SerializableRandom(2024);
        rng.NextDouble();
        CheckpointData original = Sample("PPO", rng);

        string metadataPath = Checkpoint.Save(directory.Path, original);
        CheckpointData loaded = Checkpoint.Load(directory.Path, expectedAlgorithm: "ppo");

        Assert.Equal(Path.Combine(directory.Path, "checkpoint.json"), metadataPath);
        Assert.Equal(metadataPath, loaded.SourcePath);
        Assert.Equal("PPO", loaded.Algorithm);
        Assert.Equal(Checkpoint.FormatVersion, loaded.FormatVersion);
        Assert.Equal(original.Options.ToJsonString(), loaded.Options.ToJsonString());
        Assert.Equal(original.Extra.ToJsonString(), loaded.Extra.ToJsonString());
        Assert.Equal("Box(-inf, inf, (4,), float32)", loaded.ObservationSpace);
        Assert.Equal("Discrete(2)", loaded.ActionSpace);
        Assert.Equal(original.Counters, loaded.Counters);
        Assert.Equal(original.Tensors.Select(t => t.Name), loaded.Tensors.Select(t => t.Name));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], loaded.GetTensor("policy.0.weight").ToArray<float>());
        Assert.Equal([1e6], loaded.GetTensor("obs_rms.count").ToArray<double>());

        // The RNG continues exactly where the saved one stood.
        var resumed = SerializableRandom.FromStateString(loaded.Extra["rng_state"]!.GetValue<string>());
        Assert.Equal(rng.NextDouble(), resumed.NextDouble());
    }

    [Fact]
    public void Save_WeightsFile_IsPlainSafetensorsWithMetadata()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("TD3"));
        string weights = Assert.Single(Directory.GetFiles(directory.Path, "*.safetensors"));
        Assert.Equal("checkpoint.000001.safetensors", Path.GetFileName(weights));
        SafeTensorsFile file = SafeTensors.ReadFile(weights);
        Assert.Equal("TD3", file.Metadata["algorithm"]);
        Assert.Equal("sharprl-checkpoint", file.Metadata["format"]);
    }

    [Fact]
    public void Save_Twice_NewGenerationAndOldWeightsDeleted()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));
        CheckpointData second = Sample("PPO") with { Counters = new Dictionary<string, long> { ["num_timesteps"] = 4096 } };
        Checkpoint.Save(directory.Path, second);

        Assert.Equal(
            ["checkpoint.000002.safetensors", "checkpoint.json"],
            Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(4096, Checkpoint.Load(directory.Path).GetCounter("num_timesteps"));
    }

    [Fact]
    public void Load_CrashAfterNewWeightsBeforeJson_ReturnsPreviousPairAndNextSaveCleansUp()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));

        // A save that died after writing its weights but before replacing the JSON.
        File.WriteAllBytes(Path.Combine(directory.Path, "checkpoint.000002.safetensors"), [1, 2, 3]);
        Assert.Equal(2048, Checkpoint.Load(directory.Path).GetCounter("num_timesteps"));

        Checkpoint.Save(directory.Path, Sample("PPO"));
        Assert.Equal(
            ["checkpoint.000003.safetensors", "checkpoint.json"],
            Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_TwoNamesInOneDirectory_DoNotDeleteEachOther()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"), "best");
        Checkpoint.Save(directory.Path, Sample("PPO"), "latest");
        Checkpoint.Save(directory.Path, Sample("PPO"), "latest");
        Assert.Equal("PPO", Checkpoint.Load(directory.Path, name: "best").Algorithm);
        Assert.Equal("PPO", Checkpoint.Load(directory.Path, name: "latest").Algorithm);
    }

    [Fact]
    public void Load_NoCheckpoint_NamesMissingFile()
    {
        using var directory = new TempDirectory();
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains("checkpoint.json' does not exist", ex.Message);
        var missingDirectory = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Path.Combine(directory.Path, "nope")));
        Assert.Contains("directory", missingDirectory.Message);
    }

    [Fact]
    public void Load_TruncatedJson_SaysNotValidJson()
    {
        using var directory = new TempDirectory();
        string json = Checkpoint.Save(directory.Path, Sample("PPO"));
        byte[] bytes = File.ReadAllBytes(json);
        File.WriteAllBytes(json, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains($"'{json}' is not valid JSON", ex.Message);
    }

    [Fact]
    public void Load_ACorruptByteInsideAJsonString_SaysNotValidUtf8_NamingTheFile()
    {
        using var directory = new TempDirectory();
        string json = Checkpoint.Save(directory.Path, Sample("PPO"));
        byte[] bytes = File.ReadAllBytes(json);

        // 0xFF never occurs in UTF-8. Inside the "algorithm" string the JSON structure stays valid, so the parser
        // alone accepts the file and the bad byte would only surface when the string is read.
        int at = System.Text.Encoding.UTF8.GetString(bytes).IndexOf("\"PPO\"", StringComparison.Ordinal) + 1;
        Assert.True(at > 1, "the sidecar names the algorithm");
        bytes[at] = 0xFF;
        File.WriteAllBytes(json, bytes);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains($"'{json}' is not valid UTF-8", ex.Message);
    }

    [Fact]
    public void Load_TruncatedWeights_ReportsSizesAndTruncation()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));
        string weights = Directory.GetFiles(directory.Path, "*.safetensors")[0];
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^10]);
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains($"'{weights}' is {bytes.Length - 10} bytes", ex.Message);
        Assert.Contains($"records {bytes.Length} bytes (truncated?)", ex.Message);
    }

    [Fact]
    public void Load_FlippedByteInWeights_ReportsHashMismatch()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));
        string weights = Directory.GetFiles(directory.Path, "*.safetensors")[0];
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains("SHA-256", ex.Message);
        Assert.Contains("do not belong to this metadata", ex.Message);
    }

    [Fact]
    public void Load_WeightsFromAnotherSaveOfSameSize_ReportsHashMismatch()
    {
        using var directory = new TempDirectory();
        string first = Path.Combine(directory.Path, "a");
        string second = Path.Combine(directory.Path, "b");
        Checkpoint.Save(first, Sample("PPO"));
        CheckpointData other = Sample("PPO") with { Tensors = [SafeTensor.Create<float>("policy.0.weight", [9f, 9f, 9f, 9f, 9f, 9f], 2, 3), .. Sample("PPO").Tensors.Skip(1)] };
        Checkpoint.Save(second, other);
        File.Copy(Path.Combine(second, "checkpoint.000001.safetensors"), Path.Combine(first, "checkpoint.000001.safetensors"), overwrite: true);
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(first));
        Assert.Contains("SHA-256", ex.Message);
    }

    [Fact]
    public void Load_CorruptSafetensorsHeaderWithMatchingHash_ReportsFormatProblem()
    {
        // A sidecar written by hand for a broken weights file: the hash matches, the format does not.
        using var directory = new TempDirectory();
        string json = Checkpoint.Save(directory.Path, Sample("PPO"));
        string weights = Directory.GetFiles(directory.Path, "*.safetensors")[0];
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[8] = (byte)'[';
        File.WriteAllBytes(weights, bytes);
        JsonObject sidecar = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        sidecar["weights_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        File.WriteAllText(json, sidecar.ToJsonString());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains($"Safetensors file '{weights}' is invalid", ex.Message);
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void Load_WrongAlgorithm_NamesBoth()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("TD3"));
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path, expectedAlgorithm: "PPO"));
        Assert.Contains("algorithm 'TD3', but 'PPO' was expected", ex.Message);
    }

    [Fact]
    public void Load_NewerFormatVersion_Refused()
    {
        using var directory = new TempDirectory();
        string json = Checkpoint.Save(directory.Path, Sample("PPO"));
        JsonObject sidecar = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        sidecar["format_version"] = Checkpoint.FormatVersion + 1;
        File.WriteAllText(json, sidecar.ToJsonString());
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains($"format version {Checkpoint.FormatVersion + 1}", ex.Message);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("weights.bin")]
    public void Load_WeightsFileOutsideDirectory_Refused(string weightsFile)
    {
        using var directory = new TempDirectory();
        string json = Checkpoint.Save(directory.Path, Sample("PPO"));
        JsonObject sidecar = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        sidecar["weights_file"] = weightsFile;
        File.WriteAllText(json, sidecar.ToJsonString());
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains("expected a plain file name", ex.Message);
    }

    [Fact]
    public void Load_MissingWeightsFile_SaysNotCopiedAlong()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));
        File.Delete(Directory.GetFiles(directory.Path, "*.safetensors")[0]);
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path));
        Assert.Contains("which does not exist", ex.Message);
    }

    [Fact]
    public void GetTensor_Missing_ListsAvailableTensors()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));
        CheckpointData loaded = Checkpoint.Load(directory.Path);
        var ex = Assert.Throws<CheckpointException>(() => loaded.GetTensor("value.0.weight"));
        Assert.Contains("checkpoint.json' has no tensor 'value.0.weight'", ex.Message);
        Assert.Contains("policy.0.weight, obs_rms.count", ex.Message);
        Assert.Contains("no counter 'missing'", Assert.Throws<CheckpointException>(() => loaded.GetCounter("missing")).Message);
    }

    [Fact]
    public void CopyTensorTo_ShapeMismatch_NamesBothShapes()
    {
        using var directory = new TempDirectory();
        Checkpoint.Save(directory.Path, Sample("PPO"));
        CheckpointData loaded = Checkpoint.Load(directory.Path);
        var ex = Assert.Throws<CheckpointException>(() => loaded.CopyTensorTo<float>("policy.0.weight", new float[6], [3, 2]));
        Assert.Contains("tensor 'policy.0.weight' has shape [2, 3] but the model expects [3, 2]", ex.Message);
    }

    [Fact]
    public void LoadParameters_SavedWithParameters_RestoresValues()
    {
        using var directory = new TempDirectory();
        Parameter<float>[] saved = [new("0.weight", 2, 3), new("0.bias", 2)];
        saved[0].Value.AsSpan().Fill(0.25f);
        saved[1].Value[1] = -3f;
        Checkpoint.Save(directory.Path, new CheckpointData { Algorithm = "A2C" }.WithParameters(saved, "policy."));

        Parameter<float>[] restored = [new("0.weight", 2, 3), new("0.bias", 2)];
        Checkpoint.Load(directory.Path, "A2C").LoadParameters(restored, "policy.");
        Assert.Equal(saved[0].Value, restored[0].Value);
        Assert.Equal(saved[1].Value, restored[1].Value);
    }

    [Fact]
    public void LoadParameters_OneShapeWrong_LeavesEveryParameterUntouched()
    {
        using var directory = new TempDirectory();
        Parameter<double>[] saved = [new("a", 2), new("b", 3)];
        saved[0].Value.AsSpan().Fill(1);
        Checkpoint.Save(directory.Path, new CheckpointData { Algorithm = "NPG" }.WithParameters(saved));

        Parameter<double>[] model = [new("a", 2), new("b", 4)];
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(directory.Path).LoadParameters(model));
        Assert.Equal([0.0, 0.0], model[0].Value);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("with space")]
    public void Save_InvalidName_Throws(string name)
    {
        using var directory = new TempDirectory();
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => Checkpoint.Save(directory.Path, Sample("PPO"), name)).ParamName);
    }

    private static CheckpointData Sample(string algorithm, SerializableRandom? rng = null) => new()
    {
        Algorithm = algorithm,
        Options = new JsonObject
        {
            ["learning_rate"] = 3e-4,
            ["n_steps"] = 2048,
            ["net_arch"] = new JsonArray(64, 64),
            ["schedule"] = new JsonObject { ["kind"] = "linear", ["final"] = 0.0 },
        },
        ObservationSpace = "Box(-inf, inf, (4,), float32)",
        ActionSpace = "Discrete(2)",
        Counters = new Dictionary<string, long> { ["num_timesteps"] = 2048, ["n_updates"] = 10, ["big"] = long.MaxValue },
        Tensors =
        [
            SafeTensor.Create<float>("policy.0.weight", [1f, 2f, 3f, 4f, 5f, 6f], 2, 3),
            SafeTensor.Create<double>("obs_rms.count", [1e6]),
        ],
        Extra = new JsonObject { ["rng_state"] = (rng ?? new SerializableRandom(1)).SaveState(), ["episode_returns"] = new JsonArray(1.5, 2.5) },
    };
}
