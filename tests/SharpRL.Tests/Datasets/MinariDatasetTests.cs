using System.Text.Json.Nodes;
using PureHDF;
using SharpRL.Datasets;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Rng;

namespace SharpRL.Tests.Datasets;

public sealed class MinariDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharprl-datasets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Random actions drawn from the action space with a seeded generator.</summary>
    internal static MinariDataset RecordRandom(string envId, int episodes, int seed, StepInfoSource? infos = null)
    {
        using IEnv env = Gym.Make(envId);
        NumpyGenerator random = NumpyGenerator.Create(seed);
        return DatasetRecorder.Record(env, (_, action) => env.ActionSpace.Sample(action, random), episodes, seed, $"test/{envId}-random-v0", "random", infos);
    }

    [Fact]
    public void SaveLoad_RecordedCartPole_ArraysIdentical()
    {
        MinariDataset recorded = RecordRandom("CartPole-v1", episodes: 3, seed: 7);
        string path = Path.Combine(_root, "cartpole");
        recorded.Save(path);

        MinariDataset loaded = MinariDataset.Load(path);

        Assert.Equal(recorded.DatasetId, loaded.DatasetId);
        Assert.Equal(recorded.ObservationSpace, loaded.ObservationSpace);
        Assert.Equal(recorded.ActionSpace, loaded.ActionSpace);
        Assert.Equal(recorded.EnvSpec, loaded.EnvSpec);
        Assert.Equal("random", loaded.AlgorithmName);
        Assert.Equal(recorded.Episodes.Count, loaded.Episodes.Count);
        for (int i = 0; i < recorded.Episodes.Count; i++)
        {
            AssertSameEpisode(recorded.Episodes[i], loaded.Episodes[i]);
        }
    }

    [Fact]
    public void SaveLoad_PendulumWithInfos_ArraysIdentical()
    {
        // An info source reporting a step counter and a NaN at reset, as an env's info channel would.
        int calls = 0;
        var infos = new StepInfoSource(["step", "maybe"], values =>
        {
            values[0] = calls;
            values[1] = calls == 0 ? double.NaN : calls * 0.5;
            calls++;
        });
        MinariDataset recorded = RecordRandom("Pendulum-v1", episodes: 2, seed: 3, infos);
        string path = Path.Combine(_root, "pendulum");
        recorded.Save(path);

        MinariDataset loaded = MinariDataset.Load(Path.Combine(path, "data"));

        Assert.Equal(2, loaded.Episodes.Count);
        Assert.All(loaded.Episodes, e => Assert.Equal(200, e.Length));
        for (int i = 0; i < 2; i++)
        {
            AssertSameEpisode(recorded.Episodes[i], loaded.Episodes[i]);
            Assert.Equal(201, loaded.Episodes[i].Infos["step"].Length);
        }
    }

    [Fact]
    public void Record_EnvWithInfoChannel_StoresItsScalarsUnderInfos()
    {
        using var env = new CartPoleWithInfo();
        NumpyGenerator random = NumpyGenerator.Create(0);
        MinariDataset recorded = DatasetRecorder.Record(env, (_, action) => env.ActionSpace.Sample(action, random), 2, 0, "test/info-v0", infos: DatasetRecorder.InfoSourceOf(env));
        string path = Path.Combine(_root, "info");
        recorded.Save(path);

        MinariDataset loaded = MinariDataset.Load(path);

        foreach (Episode episode in loaded.Episodes)
        {
            // The info "x_position" is the cart position, observation column 0, after reset and after every step.
            Assert.Equal(Enumerable.Range(0, episode.Length + 1).Select(t => (double)episode.Observations[t * 4]), episode.Infos["x_position"]);
        }
    }

    [SkippableFact]
    public void H5py_ReadsRecordedDataset_ArraysAndMetadataMatch()
    {
        MinariDataset recorded = RecordRandom("CartPole-v1", episodes: 2, seed: 11);
        string path = Path.Combine(_root, "for-h5py");
        recorded.Save(path);

        // h5py and json only: the same calls Minari's HDF5Storage and MinariStorage.read make.
        const string script = """
            import h5py, json, sys, numpy as np
            root = sys.argv[1]
            meta = json.load(open(root + "/data/metadata.json"))
            obs_space = json.loads(meta["observation_space"])
            act_space = json.loads(meta["action_space"])
            spec = json.loads(meta["env_spec"])
            out = {"meta": {k: meta[k] for k in ("total_episodes", "total_steps", "data_format", "dataset_id", "minari_version")},
                   "obs_space": obs_space, "act_space": act_space, "spec_id": spec["id"], "spec_max": spec["max_episode_steps"],
                   "episodes": []}
            out["obs_high_inf"] = [bool(np.isinf(x)) for x in obs_space["high"]]
            with h5py.File(root + "/data/main_data.hdf5", "r") as f:
                for i in range(meta["total_episodes"]):
                    g = f[f"episode_{i}"]
                    out["episodes"].append({
                        "attrs": {k: int(v) for k, v in g.attrs.items()},
                        "obs_dtype": str(g["observations"].dtype), "obs_shape": list(g["observations"].shape),
                        "act_dtype": str(g["actions"].dtype), "rew_dtype": str(g["rewards"].dtype),
                        "term_dtype": str(g["terminations"].dtype), "trunc_dtype": str(g["truncations"].dtype),
                        "observations": [float(x) for x in g["observations"][()].ravel()],
                        "actions": [int(x) for x in g["actions"][()]],
                        "rewards": [float(x) for x in g["rewards"][()]],
                        "terminations": [bool(x) for x in g["terminations"][()]],
                        "truncations": [bool(x) for x in g["truncations"][()]],
                        "has_infos": "infos" in g,
                    })
            print(json.dumps(out))
            """;
        JsonNode result = PythonJson.Parse(PythonH5py.Run(script, path))!;

        Assert.Equal(2, result["meta"]!["total_episodes"]!.GetValue<int>());
        Assert.Equal(recorded.TotalSteps, result["meta"]!["total_steps"]!.GetValue<long>());
        Assert.Equal("hdf5", result["meta"]!["data_format"]!.GetValue<string>());
        Assert.Equal(MinariDataset.MinariVersion, result["meta"]!["minari_version"]!.GetValue<string>());
        Assert.Equal("Box", result["obs_space"]!["type"]!.GetValue<string>());
        Assert.Equal([false, true, false, true], result["obs_high_inf"]!.AsArray().Select(n => n!.GetValue<bool>()));
        Assert.Equal(4.8f, (float)result["obs_space"]!["high"]![0]!.GetValue<double>());
        Assert.Equal("Discrete", result["act_space"]!["type"]!.GetValue<string>());
        Assert.Equal(2, result["act_space"]!["n"]!.GetValue<int>());
        Assert.Equal("CartPole-v1", result["spec_id"]!.GetValue<string>());
        Assert.Equal(500, result["spec_max"]!.GetValue<int>());
        for (int i = 0; i < 2; i++)
        {
            JsonNode e = result["episodes"]![i]!;
            Episode expected = recorded.Episodes[i];
            Assert.Equal("float32", e["obs_dtype"]!.GetValue<string>());
            Assert.Equal([expected.Length + 1, 4], e["obs_shape"]!.AsArray().Select(n => n!.GetValue<int>()));
            Assert.Equal("int64", e["act_dtype"]!.GetValue<string>());
            Assert.Equal("float64", e["rew_dtype"]!.GetValue<string>());
            Assert.Equal("bool", e["term_dtype"]!.GetValue<string>());
            Assert.Equal("bool", e["trunc_dtype"]!.GetValue<string>());
            Assert.Equal(expected.Observations, e["observations"]!.AsArray().Select(n => (float)n!.GetValue<double>()));
            Assert.Equal(expected.Actions, e["actions"]!.AsArray().Select(n => (float)n!.GetValue<int>()));
            Assert.Equal(expected.Rewards, e["rewards"]!.AsArray().Select(n => n!.GetValue<double>()));
            Assert.Equal(expected.Terminations, e["terminations"]!.AsArray().Select(n => n!.GetValue<bool>()));
            Assert.Equal(expected.Truncations, e["truncations"]!.AsArray().Select(n => n!.GetValue<bool>()));
            Assert.Equal(i, e["attrs"]!["id"]!.GetValue<int>());
            Assert.Equal(11 + i, e["attrs"]!["seed"]!.GetValue<int>());
            Assert.Equal(expected.Length, e["attrs"]!["total_steps"]!.GetValue<int>());
            Assert.True(e["has_infos"]!.GetValue<bool>());
        }
    }

    [SkippableFact]
    public void Load_DatasetWrittenLikeMinariWithH5py_ArraysMatch()
    {
        string path = Path.Combine(_root, "from-h5py");
        // What Minari 0.5.3's HDF5Storage.update_episodes and MinariStorage.new produce: chunked,
        // resizable datasets, NumPy bools, episode attrs, an infos group, metadata via json.dumps
        // (with Infinity for unbounded Box dimensions), metadata.json inside data/.
        const string script = """
            import h5py, json, os, sys, numpy as np
            root = sys.argv[1]
            os.makedirs(root + "/data")
            low = np.array([-1.0, -1.0, -8.0], dtype=np.float32)
            high = np.array([1.0, 1.0, 8.0], dtype=np.float32)
            obs_space = json.dumps({"type": "Box", "dtype": "float32", "shape": [3], "low": low.tolist(), "high": high.tolist()})
            act_space = json.dumps({"type": "Box", "dtype": "float32", "shape": [1], "low": [-2.0], "high": [2.0]})
            spec = json.dumps({"id": "Pendulum-v1", "entry_point": "gymnasium.envs.classic_control.pendulum:PendulumEnv",
                               "reward_threshold": None, "nondeterministic": False, "max_episode_steps": 200,
                               "order_enforce": True, "disable_env_checker": False, "kwargs": {},
                               "additional_wrappers": [], "vector_entry_point": None})
            lengths = [5, 3]
            with h5py.File(root + "/data/main_data.hdf5", "a", track_order=True) as f:
                for i, T in enumerate(lengths):
                    g = f.create_group(f"episode_{i}")
                    g.attrs["id"] = i
                    g.attrs["seed"] = 100 + i
                    g.attrs["total_steps"] = T
                    obs = (np.arange((T + 1) * 3, dtype=np.float32).reshape(T + 1, 3) / 10.0 - 0.5).astype(np.float32)
                    act = np.linspace(-2, 2, T, dtype=np.float32).reshape(T, 1)
                    rew = -np.arange(T, dtype=np.float64) * 0.25
                    term = np.zeros(T, dtype=bool)
                    trunc = np.zeros(T, dtype=bool); trunc[-1] = True
                    for key, data in (("observations", obs), ("actions", act), ("rewards", rew), ("terminations", term), ("truncations", trunc)):
                        g.create_dataset(key, data=data, chunks=True, maxshape=(None, *data.shape[1:]))
                    infos = g.create_group("infos")
                    infos.create_dataset("x_position", data=np.arange(T + 1, dtype=np.float64) * 1.5, chunks=True, maxshape=(None,))
            meta = {"total_episodes": 2, "total_steps": sum(lengths), "data_format": "hdf5",
                    "observation_space": obs_space, "action_space": act_space, "env_spec": spec,
                    "dataset_id": "pendulum/h5py-test-v0", "algorithm_name": "hand-made", "minari_version": "0.5.3", "dataset_size": 0.0}
            json.dump(meta, open(root + "/data/metadata.json", "w"))
            print("ok")
            """;
        Assert.Equal("ok", PythonH5py.Run(script, path).Trim());

        MinariDataset loaded = MinariDataset.Load(path);
        using IEnv pendulum = Gym.Make("Pendulum-v1");
        loaded.RequireSpaces(pendulum);

        Assert.Equal("pendulum/h5py-test-v0", loaded.DatasetId);
        Assert.Equal(new EnvSpec("Pendulum-v1", 200, null), loaded.EnvSpec);
        Assert.Equal([5, 3], loaded.Episodes.Select(e => e.Length));
        Episode first = loaded.Episodes[0];
        Assert.Equal(Enumerable.Range(0, 18).Select(k => (float)((k / 10f) - 0.5f)), first.Observations);
        Assert.Equal([-2f, -1f, 0f, 1f, 2f], first.Actions);
        Assert.Equal([0, -0.25, -0.5, -0.75, -1.0], first.Rewards);
        Assert.All(first.Terminations, Assert.False);
        Assert.Equal([false, false, false, false, true], first.Truncations);
        Assert.Equal(100L, first.Seed);
        Assert.Equal(Enumerable.Range(0, 6).Select(k => k * 1.5), first.Infos["x_position"]);
        Assert.Equal(101L, loaded.Episodes[1].Seed);
    }

    [Fact]
    public void RequireSpaces_OtherEnv_RefusedNamingDatasetAndField()
    {
        MinariDataset recorded = RecordRandom("CartPole-v1", episodes: 1, seed: 0);
        string path = Path.Combine(_root, "cartpole");
        recorded.Save(path);
        MinariDataset loaded = MinariDataset.Load(path);
        using IEnv pendulum = Gym.Make("Pendulum-v1");

        var error = Assert.Throws<DatasetException>(() => loaded.RequireSpaces(pendulum));

        Assert.Contains("test/CartPole-v1-random-v0", error.Message, StringComparison.Ordinal);
        Assert.Contains("observation_space", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pendulum-v1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ActionsShorterThanRewards_RefusedNamingTheField()
    {
        string path = Path.Combine(_root, "short");
        RecordRandom("CartPole-v1", episodes: 1, seed: 0).Save(path);
        string file = Path.Combine(path, "data", MinariDataset.DataFileName);
        using (var original = H5File.OpenRead(file))
        {
            var group = original.Group("episode_0");
            double[] rewards = group.Dataset("rewards").Read<double[]>();
            float[] observations = group.Dataset("observations").Read<float[]>();
            long[] actions = group.Dataset("actions").Read<long[]>();
            bool[] flags = group.Dataset("terminations").Read<bool[]>();
            bool[] truncations = group.Dataset("truncations").Read<bool[]>();
            original.Dispose();
            new H5File
            {
                ["episode_0"] = new H5Group
                {
                    ["observations"] = new H5Dataset(observations, fileDims: [(ulong)rewards.Length + 1, 4]),
                    ["actions"] = actions[..^1],
                    ["rewards"] = rewards,
                    ["terminations"] = flags.Select(f => f ? (byte)1 : (byte)0).ToArray(),
                    ["truncations"] = truncations.Select(f => f ? (byte)1 : (byte)0).ToArray(),
                },
            }.Write(file);
        }

        var error = Assert.Throws<DatasetException>(() => MinariDataset.Load(path));

        Assert.Contains("test/CartPole-v1-random-v0", error.Message, StringComparison.Ordinal);
        Assert.Contains("episode_0/actions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_RefusedNamingTheDataset()
    {
        string path = Path.Combine(_root, "cut");
        RecordRandom("CartPole-v1", episodes: 2, seed: 0).Save(path);
        string file = Path.Combine(path, "data", MinariDataset.DataFileName);
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DatasetException>(() => MinariDataset.Load(path));

        Assert.Contains("test/CartPole-v1-random-v0", error.Message, StringComparison.Ordinal);
        Assert.Contains(MinariDataset.DataFileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TotalStepsDisagrees_RefusedNamingTheField()
    {
        string path = Path.Combine(_root, "steps");
        RecordRandom("CartPole-v1", episodes: 1, seed: 0).Save(path);
        string metadataPath = Path.Combine(path, "data", MinariDataset.MetadataFileName);
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsObject();
        metadata["total_steps"] = metadata["total_steps"]!.GetValue<long>() + 1;
        File.WriteAllText(metadataPath, metadata.ToJsonString());

        var error = Assert.Throws<DatasetException>(() => MinariDataset.Load(path));

        Assert.Contains("total_steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingEpisodeGroup_RefusedNamingIt()
    {
        string path = Path.Combine(_root, "missing");
        RecordRandom("CartPole-v1", episodes: 1, seed: 0).Save(path);
        string metadataPath = Path.Combine(path, "data", MinariDataset.MetadataFileName);
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsObject();
        metadata["total_episodes"] = 2;
        File.WriteAllText(metadataPath, metadata.ToJsonString());

        var error = Assert.Throws<DatasetException>(() => MinariDataset.Load(path));

        Assert.Contains("episode_1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotADataset_ClearError()
    {
        var error = Assert.Throws<DatasetException>(() => MinariDataset.Load(_root));
        Assert.Contains("metadata.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_IntoNonEmptyFolder_RefusedAndNothingWritten()
    {
        string path = Path.Combine(_root, "busy");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "x");

        Assert.Throws<IOException>(() => RecordRandom("CartPole-v1", 1, 0).Save(path));

        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName));
        Assert.Single(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void Record_SameSeed_SameEpisodes()
    {
        MinariDataset a = RecordRandom("CartPole-v1", 2, 5);
        MinariDataset b = RecordRandom("CartPole-v1", 2, 5);
        for (int i = 0; i < 2; i++)
        {
            AssertSameEpisode(a.Episodes[i], b.Episodes[i]);
        }

        Assert.True(a.Episodes[^1].Terminations[^1] || a.Episodes[^1].Truncations[^1]);
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-4.800000190734863, "-4.800000190734863")]
    [InlineData(3.4028234663852886e38, "3.4028234663852886e+38")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void PythonFloat_MatchesPythonRepr(double value, string expected) =>
        Assert.Equal(expected, PythonJson.Float(value));

    [Fact]
    public void MinariSpaces_BoxWithInfinity_RoundTripsAndMatchesPythonText()
    {
        using IEnv env = Gym.Make("CartPole-v1");
        string json = MinariSpaces.Serialize(env.ObservationSpace);

        Assert.StartsWith("{\"type\": \"Box\", \"dtype\": \"float32\", \"shape\": [4], \"low\": [-4.800000190734863, -Infinity, ", json, StringComparison.Ordinal);
        Assert.Equal(env.ObservationSpace, MinariSpaces.Deserialize(json, "observation_space"));
        Assert.Equal(env.ActionSpace, MinariSpaces.Deserialize(MinariSpaces.Serialize(env.ActionSpace), "action_space"));
        Assert.Equal("{\"type\": \"Discrete\", \"dtype\": \"int64\", \"start\": 0, \"n\": 2}", MinariSpaces.Serialize(env.ActionSpace));
    }

    internal static void AssertSameEpisode(Episode expected, Episode actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.Actions, actual.Actions);
        Assert.Equal(expected.Rewards, actual.Rewards);
        Assert.Equal(expected.Terminations, actual.Terminations);
        Assert.Equal(expected.Truncations, actual.Truncations);
        Assert.Equal(expected.Infos.Keys.Order(StringComparer.Ordinal), actual.Infos.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, double[] values) in expected.Infos)
        {
            Assert.Equal(values, actual.Infos[key]);
        }
    }

    /// <summary>CartPole reporting its cart position through the info channel.</summary>
    private sealed class CartPoleWithInfo : IEnv, IStepInfoEnv
    {
        private readonly IEnv _inner = Gym.Make("CartPole-v1");
        private float _x;

        public SharpRL.Spaces.Space ObservationSpace => _inner.ObservationSpace;

        public SharpRL.Spaces.Space ActionSpace => _inner.ActionSpace;

        public EnvSpec? Spec => _inner.Spec;

        public IReadOnlyList<string> InfoKeys { get; } = ["x_position"];

        public void GetInfo(Span<double> values) => values[0] = _x;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        {
            _inner.Reset(observation, seed, options);
            _x = observation[0];
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            StepResult result = _inner.Step(action, observation);
            _x = observation[0];
            return result;
        }

        public void Dispose() => _inner.Dispose();
    }
}
