using SharpRL.Serialization;

namespace SharpRL.Cli;

/// <summary>
/// Runs a command's body with the invocation's output writer, and turns every error into one readable
/// line on the invocation's error writer: user errors (bad input, unusable files) exit with code 2,
/// a diverged training with 3, anything else (a bug) with 1; the stack trace only with --verbose.
/// </summary>
internal static class CliRunner
{
    public const int UserErrorExitCode = 2;
    public const int DivergedExitCode = 3;
    public const int InternalErrorExitCode = 1;

    public static int Run(ParseResult parse, Func<TextWriter, int> action)
    {
        InvocationConfiguration invocation = parse.InvocationConfiguration;
        bool verbose = parse.GetValue(Program.VerboseOption);
        try
        {
            return action(invocation.Output);
        }
        catch (Exception e) when (IsUserError(e))
        {
            invocation.Error.WriteLine($"error: {MessageOf(e)}");
            WriteTrace(invocation.Error, e, verbose);
            return UserErrorExitCode;
        }
        catch (TrainingDivergedException e)
        {
            invocation.Error.WriteLine($"error: {e.Message}");
            WriteTrace(invocation.Error, e, verbose);
            return DivergedExitCode;
        }
        catch (OutOfMemoryException e)
        {
            invocation.Error.WriteLine($"error: out of memory ({e.Message}); lower the sizes (n_envs, n_steps, batch_size, policy.pi_hidden, policy.vf_hidden).");
            WriteTrace(invocation.Error, e, verbose);
            return UserErrorExitCode;
        }
        catch (Exception e)
        {
            // Last resort: still one line, naming the command; a bug to report, with the trace on request.
            string command = parse.CommandResult.Command.Name;
            invocation.Error.WriteLine($"error: internal error in `{command}`: {e.GetType().Name}: {OneLine(e.Message)}{(verbose ? "" : " (rerun with --verbose for the stack trace, and please report it)")}");
            WriteTrace(invocation.Error, e, verbose);
            return InternalErrorExitCode;
        }
    }

    private static void WriteTrace(TextWriter error, Exception e, bool verbose)
    {
        if (verbose)
        {
            error.WriteLine(e.ToString());
        }
    }

    private static bool IsUserError(Exception e) =>
        e is CliError or ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException or KeyNotFoundException or CheckpointException;

    // ArgumentException appends " (Parameter 'name')": an internal name that means nothing on a command line.
    private static string MessageOf(Exception e) => OneLine(e switch
    {
        ArgumentException { ParamName: { } name } argument => argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal),
        UnauthorizedAccessException => $"permission denied: {e.Message}",
        DirectoryNotFoundException => e.Message.Contains("does not exist", StringComparison.Ordinal) ? e.Message : $"folder not found: {e.Message}",
        _ => e.Message,
    });

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
