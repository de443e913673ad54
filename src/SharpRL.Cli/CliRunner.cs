namespace SharpRL.Cli;

/// <summary>Turns user errors into one readable line on stderr and exit code 2 (no stack trace).</summary>
internal static class CliRunner
{
    public const int UserErrorExitCode = 2;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is CliError or ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserErrorExitCode;
        }
    }
}
