using System.Diagnostics;
using SharpRL.Cli;

namespace SharpRL.Cli.Tests;

/// <summary>What one invocation of <c>sharprl</c> printed and returned.</summary>
internal sealed record Invocation(int ExitCode, string Output, string Error)
{
    /// <summary>The non-empty lines written to the error stream.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs the <c>sharprl</c> command line, in process (fast) or as a real process (what a shell sees).</summary>
internal static class Sharprl
{
    /// <summary>Runs <see cref="Program.Run"/> with captured writers.</summary>
    public static Invocation InProcess(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = Program.Run(args, output, error);
        return new Invocation(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Starts the built <c>SharpRL.Cli.dll</c> with <c>dotnet</c>, so the exit code and the error stream are the
    /// process's own (an exception escaping <c>Main</c> would show here as the runtime's stack trace).
    /// </summary>
    public static Invocation AsProcess(params string[] args)
    {
        string entry = Path.Combine(AppContext.BaseDirectory, "SharpRL.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(entry);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sharprl {string.Join(' ', args)} did not finish in 60 s");
        }

        return new Invocation(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Asserts <paramref name="result"/> is a refused command line: exit code 2 and one <c>error:</c> line with no stack trace.</summary>
    public static void AssertOneLineError(Invocation result, string expectedFragment)
    {
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Root = Directory.CreateTempSubdirectory("sharprl-cli-tests-").FullName;

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a test never fails over cleanup.
        }
    }
}
