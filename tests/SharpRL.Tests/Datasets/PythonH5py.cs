using System.Diagnostics;

namespace SharpRL.Tests.Datasets;

/// <summary>
/// Runs Python scripts with h5py (Debian's python3-h5py): the independent reader and writer of the
/// Minari-format tests. Without it the tests skip with an install hint, except under CI=true, where
/// .ci/run installs it and a missing h5py is a failure.
/// </summary>
internal static class PythonH5py
{
    private static readonly Lazy<string?> Interpreter = new(Find);

    /// <summary>A python3 that can import h5py and numpy, or skips / fails the test (see the class remarks).</summary>
    public static string Require()
    {
        if (Interpreter.Value is string python)
        {
            return python;
        }

        const string hint = "python3 with h5py is not installed: apt-get install -y python3-h5py";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(hint + " (CI=true: .ci/run must install it).");
        }

        // Reported as skipped by [SkippableFact] (Xunit.SkippableFact); the tests that call this carry that attribute.
        throw new SkipException(hint);
    }

    /// <summary>Runs <paramref name="script"/> with the arguments; returns stdout, failing the test on a non-zero exit.</summary>
    public static string Run(string script, params string[] arguments)
    {
        string python = Require();
        string path = Path.Combine(Path.GetTempPath(), $"sharprl-h5py-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(path);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"python failed ({process.ExitCode}):\n{stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string? Find()
    {
        foreach (string candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var start = new ProcessStartInfo(candidate, ["-c", "import h5py, numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                using Process? process = Process.Start(start);
                if (process is null)
                {
                    continue;
                }

                process.WaitForExit();
                if (process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not on this machine: try the next one.
            }
        }

        return null;
    }
}
