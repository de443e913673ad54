using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class CsvMetricsSinkAppendTests
{
    [Fact]
    public void Append_ExistingFile_KeepsRowsAndColumnOrder()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Write(1, [new("time/total_timesteps", 1), new("a/x", 10)]);
        }

        using (var sink = new CsvMetricsSink(path, append: true))
        {
            Assert.Equal(["a/x", "time/total_timesteps"], sink.Columns);

            // Keys in another order land in their existing columns; a new key extends the header.
            sink.Write(2, [new("a/x", 20), new("time/total_timesteps", 2)]);
            sink.Write(3, [new("time/total_timesteps", 3), new("b/y", 5)]);
        }

        Assert.Equal(["a/x,time/total_timesteps,b/y", "10,1,", "20,2,", ",3,5"], File.ReadAllLines(path));
    }

    [Fact]
    public void Append_MissingOrEmptyFile_StartsNewFile()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        File.WriteAllText(path, "");
        using (var sink = new CsvMetricsSink(path, append: true))
        {
            sink.Write(1, [new("k", 1)]);
        }

        Assert.Equal(["k", "1"], File.ReadAllLines(path));
    }

    [Fact]
    public void Append_QuotedHeader_ReadsColumnNamesBack()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Write(1, [new("a,\"b\"", 1), new("c", 2)]);
        }

        using (var sink = new CsvMetricsSink(path, append: true))
        {
            Assert.Equal(["a,\"b\"", "c"], sink.Columns);
            sink.Write(2, [new("c", 4)]);
        }

        Assert.Equal(",4", File.ReadAllLines(path)[^1]);
    }

    [Fact]
    public void DiscardRowsAfter_RowsPastCheckpointAndTornRow_Dropped()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            for (int step = 1; step <= 4; step++)
            {
                sink.Write(step, [new("time/total_timesteps", step * 100), new("x", step)]);
            }
        }

        // A crash in the middle of a row.
        File.AppendAllText(path, "5");
        using (var sink = new CsvMetricsSink(path, append: true))
        {
            Assert.Equal(3, sink.DiscardRowsAfter("time/total_timesteps", 200));
            Assert.Equal(0, sink.DiscardRowsAfter("time/total_timesteps", 200));
            Assert.Equal(0, sink.DiscardRowsAfter("no/such_key", 0));
            sink.Write(3, [new("time/total_timesteps", 300), new("x", 33)]);
        }

        Assert.Equal(["time/total_timesteps,x", "100,1", "200,2", "300,33"], File.ReadAllLines(path));
    }
}
