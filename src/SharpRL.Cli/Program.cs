using System.CommandLine;

namespace SharpRL.Cli;

/// <summary>Entry point of the <c>sharprl</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        RootCommand root = BuildRootCommand();
        return root.Parse(args).Invoke();
    }

    /// <summary>The command tree (exposed for tests).</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("SharpRL: reinforcement learning for .NET (PPO, TRPO, NPG, A2C, REINFORCE) on Gymnasium-exact envs.");
        root.Add(TrainCommand.Build());
        root.Add(EvalCommand.Build());
        root.Add(EnvsCommand.Build());
        root.Add(BenchCommand.Build());
        root.Add(CompareCommand.Build());
        root.Add(ExportCommand.Build());
        root.Add(RecordCommand.Build());
        root.Add(DatasetCommand.Build());
        return root;
    }
}
