using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SharpRL.Environments.Tests.MuJoCo;

/// <summary>
/// Builds tools/mujoco/reference_harness.c (the C reference of Gymnasium's formulas on libmujoco) once per
/// test run with gcc, and runs it. Without gcc or the MuJoCo headers, tests skip with a hint (fail under CI=true).
/// </summary>
internal static class ReferenceHarness
{
    private static readonly Lazy<(string? Path, string? Problem)> Built = new(Build);

    public static string Require()
    {
        MuJoCoRequirement.Require();
        (string? path, string? problem) = Built.Value;
        if (path is not null)
        {
            return path;
        }

        if (MuJoCoRequirement.InCi)
        {
            Assert.Fail(problem);
        }

        Skip.If(true, problem);
        return string.Empty;
    }

    public static string[] Run(string harness, string input)
    {
        var start = new ProcessStartInfo(harness)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"reference harness failed ({process.ExitCode}): {error.Result}");
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static string Hex(double value) => ((ulong)BitConverter.DoubleToInt64Bits(value)).ToString("x16", CultureInfo.InvariantCulture);

    public static string Hex(float value) => ((uint)BitConverter.SingleToInt32Bits(value)).ToString("x8", CultureInfo.InvariantCulture);

    private static (string? Path, string? Problem) Build()
    {
        string? root = FindRepositoryRoot();
        if (root is null)
        {
            return (null, "tools/mujoco/reference_harness.c was not found above the test's folder.");
        }

        string source = Path.Combine(root, "tools", "mujoco", "reference_harness.c");
        string output = Path.Combine(Path.GetTempPath(), $"sharprl_mujoco_harness_{Environment.ProcessId}");
        try
        {
            var start = new ProcessStartInfo("gcc", ["-std=c11", "-O2", "-ffp-contract=off", "-o", output, source, "-lmujoco", "-lm"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0
                ? (output, null)
                : (null, $"gcc could not build the MuJoCo reference harness (install libmujoco-dev: `sudo apt-get install -y libmujoco-dev`): {errors.Split('\n')[0]}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "gcc is not installed: the MuJoCo conformance tests compile a C reference harness (`sudo apt-get install -y gcc libmujoco-dev`).");
        }
    }

    private static string? FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SharpRL.slnx")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    public static string Input(string name, int version, int frameSkip, string modelPath, ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel, IReadOnlyList<float[]> actions)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{name} {version} {frameSkip} {actions.Count} {modelPath}\n");
        foreach (double q in qpos)
        {
            text.Append(Hex(q)).Append(' ');
        }

        text.Append('\n');
        foreach (double v in qvel)
        {
            text.Append(Hex(v)).Append(' ');
        }

        text.Append('\n');
        foreach (float[] action in actions)
        {
            text.AppendJoin(' ', action.Select(Hex)).Append('\n');
        }

        return text.ToString();
    }
}
