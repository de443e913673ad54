using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpRL.Algorithms.Common;
using SharpRL.Cli;
using SharpRL.Environments;
using SharpRL.Serialization;
using SharpRL.Tests.Cli;
using SharpRL.Training;

namespace SharpRL.Tests.Reliability;

/// <summary>
/// Seeded fuzzing of everything a user can hand SharpRL as text (issue 8): checkpoint JSON, config.json,
/// YAML configs and --set values. Thousands of random mutations of valid inputs; each must load, or be
/// refused with one of the user-error exceptions naming the file (or setting), never crash or hang.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FuzzTests : IDisposable
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(5);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CheckpointJson_RandomMutations_LoadOrAreRefusedNamingTheFile()
    {
        string run = TrainSmall("ckpt");
        string path = Checkpoint.MetadataPath(run, TrainingRun.ModelName);
        string original = File.ReadAllText(path);
        var random = new Random(8);
        int refused = 0, loaded = 0;
        for (int i = 0; i < 3000; i++)
        {
            File.WriteAllText(path, Mutate(original, random, digestMode: i % 3));
            Exception? error = Run(() =>
            {
                // The eval path (policy rebuilt through the descriptor) and the resume path (learner state).
                AgentCheckpoint.LoadPolicy(run, Gym.Registry);
                using TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = run, TotalTimesteps = 512 }, Gym.Registry);
            });
            if (error is null)
            {
                loaded++;
                continue;
            }

            refused++;
            Assert.True(error is CheckpointException or InvalidDataException or ArgumentException, $"case {i}: {error.GetType().Name}: {error.Message}");
            Assert.True(error.Message.Contains(run, StringComparison.Ordinal), $"case {i}: the refusal does not name the file: {error.Message}");
        }

        File.WriteAllText(path, original);
        Assert.True(refused > 2000, $"only {refused} of 3000 mutations were refused");
        Assert.True(loaded > 0, "no mutation loaded: the fuzzer never produced a valid file");
    }

    [Fact]
    public void ConfigJson_RandomMutations_ResumeOrAreRefusedNamingTheFile()
    {
        string run = TrainSmall("config");
        string path = Path.Combine(run, TrainingRun.ConfigFileName);
        string original = File.ReadAllText(path);
        var random = new Random(9);
        for (int i = 0; i < 1500; i++)
        {
            File.WriteAllText(path, Mutate(original, random, digestMode: -1));
            Exception? error = Run(() =>
            {
                using TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = run, TotalTimesteps = 512 }, Gym.Registry);
            });
            if (error is not null)
            {
                Assert.True(error is CheckpointException or InvalidDataException or ArgumentException, $"case {i}: {error.GetType().Name}: {error.Message}");
                Assert.True(error.Message.Contains(run, StringComparison.Ordinal), $"case {i}: the refusal does not name the file: {error.Message}");
            }
        }
    }

    [Fact]
    public void YamlConfig_RandomMutations_ReadOrAreRefusedNamingTheFile()
    {
        const string original = "CartPole-v1:\n  n_envs: 8\n  n_steps: 32\n  batch_size: 256\n  gae_lambda: 0.8\n  learning_rate: lin_1e-3\n  policy.pi_hidden: [64, 64]\n  normalize: \"{'norm_obs': True, 'norm_reward': False}\"\n  n_timesteps: !!float 1e5\n";
        string path = _dir["config.yml"];
        var random = new Random(10);
        for (int i = 0; i < 3000; i++)
        {
            File.WriteAllText(path, MutateText(original, random));
            Exception? error = Run(() =>
            {
                ConfigFile config = YamlConfig.Read(path, "CartPole-v1");
                PpoOptionsCheck(config.Settings);
            });
            if (error is not null)
            {
                Assert.True(error is CliError or ArgumentException, $"case {i}: {error.GetType().Name}: {error.Message}");
                Assert.True(error is ArgumentException || error.Message.Contains(path, StringComparison.Ordinal), $"case {i}: the refusal does not name the file: {error.Message}");
            }
        }
    }

    [Fact]
    public void SetValues_RandomStringsAndNumbers_StartOrAreRefusedNamingTheSetting_WritingNothing()
    {
        string[] keys = [.. OptionsBinder.Describe(new SharpRL.Algorithms.ProximalPolicy.PpoOptions()).Select(p => p.Key)];
        var random = new Random(11);
        long? limit = OnPolicySizes.MemoryLimitForTests;
        OnPolicySizes.MemoryLimitForTests = 256L << 20;
        try
        {
            for (int i = 0; i < 2000; i++)
            {
                string key = random.Next(20) == 0 ? RandomText(random, 12) : keys[random.Next(keys.Length)];
                string value = RandomValue(random);
                string folder = _dir[$"set{i}"];
                var request = new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", Settings = [new(key, value)], OutputDirectory = folder };
                Exception? error = Run(() =>
                {
                    using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
                });
                if (error is null)
                {
                    Directory.Delete(folder, recursive: true);
                    continue;
                }

                Assert.True(error is ArgumentException or FormatException, $"case {i} ({key}={value}): {error.GetType().Name}: {error.Message}");
                Assert.True(error.Message.Contains(key, StringComparison.Ordinal) || keys.Any(k => error.Message.Contains(k, StringComparison.Ordinal)), $"case {i} ({key}={value}): the refusal names no setting: {error.Message}");
                Assert.False(Directory.Exists(folder), $"case {i} ({key}={value}): refused, but {folder} was created");
            }
        }
        finally
        {
            OnPolicySizes.MemoryLimitForTests = limit;
        }
    }

    private static void PpoOptionsCheck(IReadOnlyList<KeyValuePair<string, string>> settings) =>
        OptionsBinder.Apply(new SharpRL.Algorithms.ProximalPolicy.PpoOptions(), settings).Validate();

    private string TrainSmall(string folder)
    {
        var request = new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", TotalTimesteps = 256, Settings = [new("n_epochs", "1")], OutputDirectory = _dir[folder] };
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Assert.True(run.Learn());
        return run.Directory;
    }

    private static Exception? Run(Action action)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
        finally
        {
            Assert.True(clock.Elapsed < CaseLimit, $"a case took {clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    // digestMode: 0 keep the stored digests (the edit must be caught by them), 1 drop them (an older
    // checkpoint), 2 recompute them (so the typed readers behind them are exercised); -1: a file without digests.
    private static string Mutate(string json, Random random, int digestMode)
    {
        if (random.Next(6) == 0)
        {
            return MutateText(json, random);
        }

        JsonObject root = JsonNode.Parse(json)!.AsObject();
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            List<(JsonNode Parent, object Key)> slots = [];
            Collect(root, slots);
            (JsonNode parent, object key) = slots[random.Next(slots.Count)];
            JsonNode? replacement = random.Next(8) == 0 ? null : RandomJson(random, depth: 0);
            if (parent is JsonObject o)
            {
                if (random.Next(5) == 0)
                {
                    o.Remove((string)key);
                }
                else
                {
                    o[(string)key] = replacement;
                }
            }
            else if (parent is JsonArray a)
            {
                a[(int)key] = replacement;
            }
        }

        if (digestMode == 1)
        {
            root.Remove("metadata_sha256");
        }
        else if (digestMode == 2 && root.ContainsKey("metadata_sha256"))
        {
            root.Remove("metadata_sha256");
            root["metadata_sha256"] = Checkpoint.ComputeDigests(root);
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void Collect(JsonNode node, List<(JsonNode Parent, object Key)> slots)
    {
        if (node is JsonObject o)
        {
            foreach ((string key, JsonNode? child) in o)
            {
                slots.Add((o, key));
                if (child is not null)
                {
                    Collect(child, slots);
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++)
            {
                slots.Add((a, i));
                if (a[i] is { } child)
                {
                    Collect(child, slots);
                }
            }
        }
    }

    private static JsonNode? RandomJson(Random random, int depth) => random.Next(depth > 1 ? 7 : 9) switch
    {
        0 => JsonValue.Create(random.Next(2) == 0),
        1 => JsonValue.Create(new[] { -5L, 0L, 1L, 7L, 256L, long.MaxValue, long.MinValue, 1_000_000_000_000_000L }[random.Next(8)]),
        2 => JsonValue.Create(new[] { 0.5, -1e300, 1e15, 3.0, -0.0 }[random.Next(5)]),
        3 => JsonValue.Create(RandomText(random, 16)),
        4 => JsonValue.Create("xoshiro256**:" + RandomText(random, 64)),
        5 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        6 => null,
        7 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1))]),
        _ => new JsonObject { ["type"] = RandomText(random, 6), ["x"] = RandomJson(random, depth + 1) },
    };

    private static string MutateText(string text, Random random)
    {
        var builder = new StringBuilder(text);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && builder.Length > 0; e++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0:
                    builder.Remove(at, Math.Min(builder.Length - at, 1 + random.Next(8)));
                    break;
                case 1:
                    const string syntax = "{}[]:,\"'\\-#!&*|>0123456789.eE\n ";
                    builder.Insert(at, syntax[random.Next(syntax.Length)]);
                    break;
                case 2:
                    builder.Length = at;
                    break;
                default:
                    builder[at] = (char)random.Next(32, 127);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string RandomValue(Random random) => random.Next(10) switch
    {
        0 => RandomText(random, 1 + random.Next(20)),
        1 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        2 => random.Next(-3, 5000).ToString(CultureInfo.InvariantCulture),
        3 => (random.NextDouble() * Math.Pow(10, random.Next(-320, 320)) * (random.Next(2) == 0 ? -1 : 1)).ToString("R", CultureInfo.InvariantCulture),
        4 => string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(-2, 300).ToString(CultureInfo.InvariantCulture))),
        5 => "lin_" + random.NextDouble().ToString("R", CultureInfo.InvariantCulture) + (random.Next(2) == 0 ? "_" + RandomText(random, 3) : ""),
        6 => new[] { "nan", "inf", "-inf", "1e999", "null", "none", "", "true", "2147483648", "9223372036854775808", "1e5", "0x10", "1_000" }[random.Next(13)],
        7 => new string('9', random.Next(1, 400)),
        8 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => "[" + random.Next(-5, 100).ToString(CultureInfo.InvariantCulture) + "]",
    };

    private static string RandomText(Random random, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-.,=:[]{}\"' é∞";
        return new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
    }
}
