using System.Text.Json.Nodes;
using SharpRL.Environments;
using SharpRL.Serialization;
using SharpRL.Tests.Cli;
using SharpRL.Training;
using static SharpRL.Tests.Reliability.ReliabilityTestSupport;

namespace SharpRL.Tests.Reliability;

/// <summary>
/// Issue 8's defects, one test each (numbered as in the issue): every bad input one `error:` line with exit
/// code 2 and nothing written, every resume safe, nothing silently wrong.
/// </summary>
public sealed class ReliabilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // 1. The save frequency lives in the run folder: a resumed run keeps writing periodic checkpoints.
    [Fact]
    public void Resume_WithoutSaveFreq_KeepsTheRunsSaveFrequency()
    {
        var request = new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", TotalTimesteps = 2048, SaveFrequency = 512, Settings = [new("n_epochs", "1")], OutputDirectory = _dir["run"] };
        using (TrainingRun first = TrainingRun.Start(request, Gym.Registry))
        using (var stop = new CancellationTokenSource())
        {
            Assert.False(first.Learn(a => { if (a.NumTimesteps >= 768) { stop.Cancel(); } }, stop.Token));
        }

        var checkpointSteps = new List<long>();
        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = _dir["run"] }, Gym.Registry))
        {
            Assert.Equal(512, resumed.Config.SaveFrequency);
            resumed.Learn(_ =>
            {
                if (File.Exists(Checkpoint.MetadataPath(_dir["run"], TrainingRun.LatestCheckpointName)))
                {
                    checkpointSteps.Add(Checkpoint.Load(_dir["run"], "ppo", TrainingRun.LatestCheckpointName).GetCounter("num_timesteps"));
                }
            });
        }

        Assert.Contains(1024, checkpointSteps);
        Assert.Contains(1536, checkpointSteps);
    }

    [Fact]
    public void Resume_WithAnotherSaveFreq_OverridesItWithANotice()
    {
        Train(_dir["run"], "--save-freq", "512", "--timesteps", "512");
        CliResult result = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--save-freq", "256", "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("note: --save-freq 256 replaces the run's 512.", result.Output, StringComparison.Ordinal);
        Assert.Equal(256, RunConfig.FromJson(File.ReadAllText(_dir["run/config.json"]), "config.json").SaveFrequency);
    }

    // 2 and 3. Sizes that overflow or would not fit in memory, and integers that do not fit their type.
    [Theory]
    [InlineData("n_steps=100000000", "n_envs × n_steps")]
    [InlineData("n_steps=2147483648", "Setting 'n_steps' = '2147483648' is invalid: expected an integer in [")]
    [InlineData("n_steps=1e3000", "Setting 'n_steps' = '1e3000' is invalid")]
    [InlineData("policy.pi_hidden=70000,70000", "Setting policy.pi_hidden gives a weight matrix of 4,900,000,000 values")]
    [InlineData("policy.pi_hidden=3000000000", "Setting 'policy.pi_hidden' = '3000000000' is invalid")]
    [InlineData("policy.pi_hidden=100000000", "policy.pi_hidden = 100000000")]
    [InlineData("policy.pi_hidden=0", "Setting policy.pi_hidden = 0 is invalid; expected positive layer widths")]
    [InlineData("policy.vf_hidden=64,-1", "Setting policy.vf_hidden = 64,-1 is invalid")]
    [InlineData("learning_rate=1e400", "Setting 'learning_rate' = '1e400' is invalid")]
    [InlineData("policy.log_std_init=1e39", "Setting 'policy.log_std_init' = '1e39' is invalid: expected a number within")]
    [InlineData("gamma.x=1", "Unknown setting 'gamma.x'")]
    public void Set_HugeOrIllTypedValue_OneLineNamingTheSetting_NothingWritten(string setting, string expected)
    {
        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--set", setting, "--out", _dir["run"], "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(_dir["run"]));
    }

    [Theory]
    [InlineData("rng_state", "12")]
    [InlineData("needs_reset", "\"yes\"")]
    [InlineData("recent_episodes", "{}")]
    [InlineData("recent_episodes", "[[0, 10]]")]
    [InlineData("recent_episodes", "[[9, 10, 10]]")]
    [InlineData("rng_state", "\"xoshiro256**:zz\"")]
    [InlineData("env_state", "7")]
    public void Resume_CheckpointFieldOfWrongType_NamesFileAndField(string field, string json)
    {
        Train(_dir["run"], "--save-freq", "512", "--timesteps", "512");
        string path = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        JsonNode value = JsonNode.Parse(json)!;

        // With the digests the edit itself is refused by name...
        EditJson(path, root => root["extra"]![field] = value.DeepClone());
        CliResult edited = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet");
        Assert.Equal(2, edited.ExitCode);
        Assert.Contains($"extra.{field}", edited.Error, StringComparison.Ordinal);
        Assert.Contains("was modified after it was saved", edited.Error, StringComparison.Ordinal);

        // ... and without them (a checkpoint of an earlier version) the typed reader refuses it by name.
        EditJson(path, root => root.Remove("metadata_sha256"));
        CliResult typed = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet");
        Assert.Equal(2, typed.ExitCode);
        Assert.Contains(path, typed.Error, StringComparison.Ordinal);
        Assert.Contains($"extra.{field}", typed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", typed.Error, StringComparison.Ordinal);
        Assert.Single(typed.Error.Trim().Split('\n'));
    }

    // 4. Metadata integrity: counters and config.json.
    [Theory]
    [InlineData(-5)]
    [InlineData(1_000_000_000_000_000)]
    [InlineData(700)]
    public void Resume_CountersThatDoNotFit_Refused(long timesteps)
    {
        Train(_dir["run"], "--timesteps", "512");
        string path = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        EditJson(path, root =>
        {
            root["counters"]!["num_timesteps"] = timesteps;
            root.Remove("metadata_sha256");
        });

        CliResult result = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "4096", "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("num_timesteps", result.Error, StringComparison.Ordinal);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_EditedRngStateHexDigit_Refused()
    {
        Train(_dir["run"], "--timesteps", "512");
        string path = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        EditJson(path, root =>
        {
            string state = root["extra"]!["rng_state"]!.GetValue<string>();
            char last = state[^1];
            root["extra"]!["rng_state"] = state[..^1] + (last == '0' ? '1' : '0');
        });

        CliResult result = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("extra.rng_state", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_EditedConfigJson_RefusedNamingTheSetting()
    {
        Train(_dir["run"], "--timesteps", "512");
        EditJson(_dir["run/config.json"], root => root["options"]!["n_steps"] = "64");

        CliResult result = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("config.json does not match checkpoint", result.Error, StringComparison.Ordinal);
        Assert.Contains("options.n_steps is \"64\" in config.json but \"32\" in the checkpoint", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_CheckpointWithoutEnvStateOrReason_Refused()
    {
        Train(_dir["run"], "--timesteps", "512");
        string path = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        EditJson(path, root =>
        {
            root["extra"]!.AsObject().Remove("env_state");
            root.Remove("metadata_sha256");
        });

        CliResult result = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("lacks extra.env_state", result.Error, StringComparison.Ordinal);
    }

    // 5. Validation before the folder exists.
    [Theory]
    [InlineData("--seed", "-1", "--seed = -1 is invalid")]
    [InlineData("--set", "policy.pi_hidden=0", "policy.pi_hidden")]
    [InlineData("--eval-freq", "0", "--eval-freq = 0 is invalid")]
    [InlineData("--stop-at-reward", "100", "--stop-at-reward needs --eval-freq")]
    [InlineData("--timesteps", "12.5", "--timesteps '12.5' is invalid")]
    public void Train_InvalidFlag_WritesNothing(string flag, string value, string expected)
    {
        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", flag, value, "--out", _dir["run"], "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(_dir["run"]));
    }

    // 6. A run killed before its first save.
    [Fact]
    public void RunKilledBeforeFirstSave_SaysToStartOverWithForce_AndForceReplacesIt()
    {
        using (TrainingRun.Start(new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", OutputDirectory = _dir["run"] }, Gym.Registry))
        {
            // Started (config.json and progress.csv exist), then killed before any checkpoint.
        }

        CliResult again = CliHarness.Run("train", "ppo", "CartPole-v1", "--out", _dir["run"], "--quiet");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("stopped before its first checkpoint", again.Error, StringComparison.Ordinal);
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);

        CliResult resume = CliHarness.Run("train", "--resume", _dir["run"], "--quiet");
        Assert.Equal(2, resume.ExitCode);
        Assert.Contains($"Start it over with: sharprl train ppo CartPole-v1 --seed 0 --out {_dir["run"]} --force", resume.Error, StringComparison.Ordinal);

        Train(_dir["run"], "--force", "--timesteps", "256");
        Assert.True(File.Exists(Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName)));

        // --force never replaces a run that has a checkpoint, nor a folder with other files.
        CliResult refused = CliHarness.Run(QuickPpo(_dir["run"], "--force"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already holds a run with a checkpoint", refused.Error, StringComparison.Ordinal);
        Directory.CreateDirectory(_dir["mine"]);
        File.WriteAllText(_dir["mine/notes.txt"], "keep");
        CliResult foreign = CliHarness.Run(QuickPpo(_dir["mine"], "--force"));
        Assert.Equal(2, foreign.ExitCode);
        Assert.Equal(["notes.txt"], Files(_dir["mine"]));
    }

    // 7. A reader racing a writer always sees a consistent pair.
    [Fact]
    public void Load_WhileAnotherThreadSaves_AlwaysSucceeds()
    {
        Train(_dir["run"], "--timesteps", "256");
        CheckpointData data = Checkpoint.Load(_dir["run"], "ppo", TrainingRun.ModelName);
        using var stop = new CancellationTokenSource();
        var writer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Checkpoint.Save(_dir["run"], data, TrainingRun.ModelName);
            }
        });
        writer.Start();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                Assert.Equal(256, Checkpoint.Load(_dir["run"], "ppo", TrainingRun.ModelName).GetCounter("num_timesteps"));
            }
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }
    }

    // 9. A NaN reward stops training with a message naming it; no checkpoint holds a NaN.
    [Fact]
    public void NanReward_StopsNamingTheReward_AndKeepsTheLastGoodCheckpoint()
    {
        var request = new TrainRequest
        {
            Algorithm = "ppo", EnvId = "NanReward-v0", PresetEnvId = "CartPole-v1", TotalTimesteps = 4096, SaveFrequency = 256,
            Settings = [new("n_epochs", "1")], OutputDirectory = _dir["run"],
        };
        using TrainingRun run = TrainingRun.Start(request, RegistryWithNanEnv(nanAtStep: 100));
        var error = Assert.Throws<TrainingDivergedException>(() => run.Learn());
        Assert.Contains("non-finite reward", error.Message, StringComparison.Ordinal);
        Assert.Contains("the env's output", error.Message, StringComparison.Ordinal);
        Assert.Contains("the last good checkpoint", error.Message, StringComparison.Ordinal);
        CheckpointData kept = Checkpoint.Load(_dir["run"], "ppo", TrainingRun.LatestCheckpointName);
        // Each copy steps 32 times per iteration: its 100th step falls in the 4th iteration, after the checkpoint at 3 × 256.
        Assert.Equal(768, kept.GetCounter("num_timesteps"));
        Assert.False(File.Exists(Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName)));
    }

    // 9b. An off-policy update that diverges stops the run right after that update, naming the parameter, instead of
    // the env refusing a NaN action on the next step; the checkpoint before it is kept.
    [Fact]
    public void OffPolicyDivergence_StopsNamingTheParameter_AndKeepsTheLastGoodCheckpoint()
    {
        var request = new TrainRequest
        {
            Algorithm = "sac", EnvId = "Pendulum-v1", TotalTimesteps = 3000, SaveFrequency = 200,
            Settings = [new("learning_rate", "1e5"), new("learning_starts", "200"), new("batch_size", "32"), new("hidden_sizes", "16,16")],
            OutputDirectory = _dir["run"],
        };
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        var error = Assert.Throws<TrainingDivergedException>(() => run.Learn());
        Assert.Contains("became non-finite", error.Message, StringComparison.Ordinal);
        Assert.Contains("training diverged; lower the learning rate (learning_rate)", error.Message, StringComparison.Ordinal);
        CheckpointData kept = Checkpoint.Load(_dir["run"], "sac", TrainingRun.LatestCheckpointName);
        Assert.Equal(200, kept.GetCounter("num_timesteps"));
        Assert.All(kept.Tensors.Where(t => t.DType is SafeTensorDType.F32 or SafeTensorDType.F64), tensor => Assert.True(tensor.ToArray<double>().All(double.IsFinite), $"{tensor.Name} holds a non-finite value"));
    }

    // 10. Messages that name what is wrong, in SharpRL's words.
    [Theory]
    [InlineData("foo", "error: unknown command 'foo'; expected one of: train, eval")]
    [InlineData("", "error: no command given")]
    [InlineData("train ppo CartPole-v1 --timesteps abc", "error: --timesteps 'abc' is invalid")]
    [InlineData("eval {dir}/nowhere", "error: No checkpoint at")]
    [InlineData("cluster worker --join nohost.invalid:1", "error: --join 'nohost.invalid:1': host 'nohost.invalid' could not be resolved")]
    public void Cli_BadCommandLine_OneLineExitTwo(string commandLine, string expected)
    {
        string[] args = commandLine.Length == 0 ? [] : commandLine.Replace("{dir}", _dir.Path, StringComparison.Ordinal).Split(' ');
        CliResult result = CliHarness.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Train_TimestepsInExponentForm_Accepted()
    {
        CliResult result = Train(_dir["run"], "--timesteps", "5.12e2");
        Assert.Contains("Done: 512 env steps", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_OutIsAFile_Refused()
    {
        File.WriteAllText(_dir["file"], "x");
        CliResult result = CliHarness.Run(QuickPpo(_dir["file"]));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a file; expected a folder", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_CheckpointWithBrokenRunConfig_NamesTheField()
    {
        Train(_dir["run"], "--timesteps", "256");
        string path = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        EditJson(path, root =>
        {
            root["extra"]!["run"]!.AsObject().Remove("env_id");
            root.Remove("metadata_sha256");
        });

        CliResult result = CliHarness.Run("eval", _dir["run"], "--episodes", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("field \"env_id\" must be a string, but is missing", result.Error, StringComparison.Ordinal);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
    }

    // 11. A failed or no-op resume leaves no empty event file; a resumed one tells TensorBoard to purge.
    [Fact]
    public void Resume_FailedOrNoOp_AddsNoEventFile_AndAResumedOneWritesAPurgeMarker()
    {
        Train(_dir["run"], "--timesteps", "512");
        IReadOnlyList<string> before = Files(_dir["run"]);
        Assert.Equal(2, CliHarness.Run("train", "--resume", _dir["run"], "--set", "gamma=0.5", "--quiet").ExitCode);
        Assert.Equal(0, CliHarness.Run("train", "--resume", _dir["run"], "--quiet").ExitCode);
        Assert.Equal(before, Files(_dir["run"]));

        Assert.Equal(0, CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet").ExitCode);
        string[] events = [.. Directory.EnumerateFiles(_dir["run"], "events.out.tfevents.*").Order(StringComparer.Ordinal)];
        Assert.Equal(2, events.Length);

        // Second record of the new file: Event { wall_time, step = 513, session_log { status: START } }.
        byte[] bytes = File.ReadAllBytes(events[^1]);
        int first = (int)BitConverter.ToUInt64(bytes, 0);
        int second = 12 + first + 4;
        ReadOnlySpan<byte> data = bytes.AsSpan(second + 12, (int)BitConverter.ToUInt64(bytes, second));
        Assert.Equal([0x10, 0x81, 0x04, 0x3A, 0x02, 0x08, 0x01], data[9..].ToArray());
    }

    // 12. Resume output.
    [Fact]
    public void Resume_FinishedRun_SaysAlreadyComplete_AndRewritesNothing()
    {
        Train(_dir["run"], "--timesteps", "512");
        string model = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        byte[] modelBytes = File.ReadAllBytes(model);
        byte[] configBytes = File.ReadAllBytes(_dir["run/config.json"]);

        foreach (string[] extra in new[] { Array.Empty<string>(), ["--timesteps", "256"] })
        {
            CliResult result = CliHarness.Run(["train", "--resume", _dir["run"], "--quiet", .. extra]);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("is already complete: 512 of 512 env steps", result.Output, StringComparison.Ordinal);
            Assert.Equal(modelBytes, File.ReadAllBytes(model));
            Assert.Equal(configBytes, File.ReadAllBytes(_dir["run/config.json"]));
        }
    }

    [Fact]
    public void Resume_PrintsStepsToGo_AndReportsThisInvocationsSteps()
    {
        Train(_dir["run"], "--timesteps", "512");
        CliResult result = CliHarness.Run("train", "--resume", _dir["run"], "--timesteps", "1024", "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Resuming at 512 env steps: 512 more to reach 1,024.", result.Output, StringComparison.Ordinal);
        Assert.Contains("Done: 512 env steps this invocation (1,024 in all)", result.Output, StringComparison.Ordinal);
        Assert.Contains("checkpoints ", result.Output, StringComparison.Ordinal);
    }

    // 13. Friction.
    [Fact]
    public void NumEnvsAlone_ThatBreaksThePreset_SaysWhichSettingToChange()
    {
        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--n-envs", "4", "--out", _dir["run"], "--quiet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("batch_size", result.Error, StringComparison.Ordinal);
        Assert.Contains("--n-envs 4 replaced the preset's n_envs = 8", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchSizeNotDividingTheRollout_Warns()
    {
        CliResult result = Train(_dir["run"], "--timesteps", "256", "--set", "batch_size=100");
        Assert.Contains("warning: batch_size = 100 does not divide the rollout n_envs × n_steps = 256", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_CheckpointNamingAnotherAlgorithm_Refused()
    {
        Train(_dir["run"], "--timesteps", "256");
        string path = Checkpoint.MetadataPath(_dir["run"], TrainingRun.ModelName);
        EditJson(path, root =>
        {
            root["algorithm"] = "trpo";
            root.Remove("metadata_sha256");
        });

        CliResult result = CliHarness.Run("eval", _dir["run"], "--episodes", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is of algorithm 'trpo', but its extra.run says 'ppo'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_CurrentObservations_KeepTheirShape()
    {
        Train(_dir["run"], "--timesteps", "256");
        SafeTensor observations = Checkpoint.Load(_dir["run"], "ppo", TrainingRun.ModelName).GetTensor("rollout.current_observations");
        Assert.Equal([8, 4], observations.Shape);
    }
}
