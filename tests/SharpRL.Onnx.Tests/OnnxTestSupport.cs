using System.Diagnostics;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace SharpRL.Onnx.Tests;

/// <summary>Runs exported graphs in ONNX Runtime and checks them with ONNX's own checker (Debian's python3-onnx).</summary>
internal static class OnnxTestSupport
{
    public const string InstallHint = "ONNX's checker needs Debian's python3-onnx: apt-get install -y python3-onnx";

    private static readonly Lazy<string?> Python = new(FindPythonWithOnnx);

    /// <summary>Every output of one run, as float (float32 outputs) or long (int64 outputs) arrays, by name.</summary>
    public static Dictionary<string, Array> Run(ModelProto model, int batchSize, params (string Name, float[] Data)[] inputs)
    {
        using var session = new InferenceSession(model.ToByteArray());
        var values = new List<NamedOnnxValue>();
        foreach ((string name, float[] data) in inputs)
        {
            values.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, [batchSize, data.Length / batchSize])));
        }

        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(values);
        var outputs = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (DisposableNamedOnnxValue result in results)
        {
            outputs[result.Name] = result.ElementType switch
            {
                TensorElementType.Float => result.AsEnumerable<float>().ToArray(),
                TensorElementType.Int64 => result.AsEnumerable<long>().ToArray(),
                _ => throw new InvalidOperationException($"unexpected output type {result.ElementType} of {result.Name}"),
            };
        }

        return outputs;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * Math.Max(1.0, Math.Abs(expected[i])),
                $"{what}[{i}]: SharpRL {expected[i]:R}, ONNX {actual[i]:R} (|Δ| = {error:E2} > {tolerance:E0})");
        }
    }

    /// <summary>
    /// Runs <c>onnx.checker.check_model(model, full_check=True)</c> (strict shape inference included) on
    /// every file; skips with an install hint when python3-onnx is missing, fails instead under CI=true.
    /// </summary>
    public static void CheckWithOnnxChecker(IReadOnlyList<string> paths)
    {
        string python = RequireOnnxChecker();
        const string Script = "import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\n    print('ok', p)\n";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (string path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ONNX checker rejected a graph:\n{stderr}");
        Assert.Equal(paths.Count, stdout.Result.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    /// <summary>The interpreter that has ONNX; skips the test (fails under CI=true) when there is none.</summary>
    public static string RequireOnnxChecker() => Python.Value ?? SkipOrFail();

    private static string SkipOrFail()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(InstallHint + " (CI=true: .ci/run must install it).");
        }

        // Reported as skipped by [SkippableFact]/[SkippableTheory] (Xunit.SkippableFact), which every caller carries.
        throw new SkipException(InstallHint);
    }

    // Debian's package installs for the system interpreter, which a pyenv shim on PATH may hide.
    private static string? FindPythonWithOnnx()
    {
        foreach (string candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var start = new ProcessStartInfo(candidate, ["-c", "import onnx"]) { RedirectStandardError = true, RedirectStandardOutput = true };
                using Process process = Process.Start(start)!;
                process.WaitForExit();
                if (process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under this name: try the next.
            }
        }

        return null;
    }
}
