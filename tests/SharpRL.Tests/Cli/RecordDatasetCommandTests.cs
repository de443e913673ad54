using SharpRL.Datasets;

namespace SharpRL.Tests.Cli;

public sealed class RecordDatasetCommandTests
{
    [Fact]
    public void Record_ThenInfo_SummarisesTheRecordedDataset()
    {
        using var temp = new TempDirectory();
        CliHarness.TrainQuick(temp["run"]);

        CliResult record = CliHarness.Run("record", temp["run"], "--episodes", "3", "--out", temp["data"], "--stochastic", "--seed", "4");
        Assert.True(record.ExitCode == 0, record.Error);
        Assert.Contains("Recorded 3 episodes", record.Output, StringComparison.Ordinal);

        MinariDataset dataset = MinariDataset.Load(temp["data"]);
        Assert.Equal(3, dataset.Episodes.Count);
        Assert.Equal([4L, 5L, 6L], dataset.Episodes.Select(e => e.Seed!.Value));
        Assert.Equal("sharprl/CartPole-v1-ppo-v0", dataset.DatasetId);

        CliResult info = CliHarness.Run("dataset", "info", temp["data"]);
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("episodes       3", info.Output, StringComparison.Ordinal);
        Assert.Contains($"steps          {dataset.TotalSteps}", info.Output, StringComparison.Ordinal);
        Assert.Contains("actions        Discrete(2)", info.Output, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"mean return    {dataset.MeanReturn:F2}"), info.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_SameSeed_SameDataset()
    {
        using var temp = new TempDirectory();
        CliHarness.TrainQuick(temp["run"]);
        Assert.Equal(0, CliHarness.Run("record", temp["run"], "--episodes", "2", "--out", temp["a"], "--stochastic").ExitCode);
        Assert.Equal(0, CliHarness.Run("record", temp["run"], "--episodes", "2", "--out", temp["b"], "--stochastic").ExitCode);

        MinariDataset a = MinariDataset.Load(temp["a"]), b = MinariDataset.Load(temp["b"]);
        Assert.Equal(a.Episodes.SelectMany(e => e.Actions), b.Episodes.SelectMany(e => e.Actions));
    }

    [Fact]
    public void Record_OutExists_ClearErrorAndNothingWritten()
    {
        using var temp = new TempDirectory();
        CliHarness.TrainQuick(temp["run"]);
        Directory.CreateDirectory(temp["busy"]);
        File.WriteAllText(temp["busy/x"], "x");

        CliResult result = CliHarness.Run("record", temp["run"], "--episodes", "1", "--out", temp["busy"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("already exists", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DatasetInfo_NotADataset_OneLineError()
    {
        using var temp = new TempDirectory();

        CliResult result = CliHarness.Run("dataset", "info", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("metadata.json", result.Error, StringComparison.Ordinal);
    }
}
