using System.CommandLine;
using SharpRL.Serialization;

namespace SharpRL.Cli;

/// <summary>
/// Runs a command's body with the invocation's output writer, and turns user errors into one
/// readable line on the invocation's error writer and exit code 2 (no stack trace).
/// </summary>
internal static class CliRunner
{
    public const int UserErrorExitCode = 2;

    public static int Run(ParseResult parse, Func<TextWriter, int> action)
    {
        InvocationConfiguration invocation = parse.InvocationConfiguration;
        try
        {
            return action(invocation.Output);
        }
        catch (Exception e) when (IsUserError(e))
        {
            invocation.Error.WriteLine($"error: {MessageOf(e)}");
            return UserErrorExitCode;
        }
    }

    private static bool IsUserError(Exception e) =>
        e is CliError or ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException or KeyNotFoundException or CheckpointException;

    // ArgumentException appends " (Parameter 'name')": an internal name that means nothing on a command line.
    private static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
            : e.Message;
}
