using System.CommandLine.Parsing;

namespace SharpRL.Cli;

/// <summary>Entry point of the <c>sharprl</c> command.</summary>
public static class Program
{
    /// <summary>Print the stack trace of an internal error (every command accepts it).</summary>
    internal static readonly Option<bool> VerboseOption = new("--verbose") { Description = "On an internal error, also print its stack trace.", Recursive = true };

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.
    /// A command line that does not parse gets one <c>error:</c> line and exit code 2, like every user error.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        RootCommand root = BuildRootCommand();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"error: {Describe(parse, root, parse.Errors[0])}");
            return CliRunner.UserErrorExitCode;
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The command tree (exposed for tests).</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("SharpRL: reinforcement learning for .NET on Gymnasium-exact envs (classic control, MuJoCo): PPO, TRPO, NPG, A2C, REINFORCE, DDPG, TD3, SAC, behavior cloning, AWR, IMPALA.");
        root.Add(VerboseOption);
        root.Add(TrainCommand.Build());
        root.Add(EvalCommand.Build());
        root.Add(EnvsCommand.Build());
        root.Add(BenchCommand.Build());
        root.Add(CompareCommand.Build());
        root.Add(ExportCommand.Build());
        root.Add(RecordCommand.Build());
        root.Add(DatasetCommand.Build());
        root.Add(ClusterCommand.Build());
        return root;
    }

    private static string Describe(ParseResult parse, RootCommand root, ParseError first)
    {
        string[] commands = [.. root.Subcommands.Select(c => c.Name)];
        if (parse.CommandResult.Command == root)
        {
            string? token = parse.Tokens.FirstOrDefault()?.Value;
            return token is null
                ? $"no command given; expected one of: {string.Join(", ", commands)} (e.g. `sharprl train ppo CartPole-v1`; `sharprl --help` lists them)."
                : $"unknown command '{token}'; expected one of: {string.Join(", ", commands)} (`sharprl --help` lists them).";
        }

        string message = first.Message.TrimEnd('.');
        return $"{message} (see `sharprl {parse.CommandResult.Command.Name} --help`).";
    }
}
