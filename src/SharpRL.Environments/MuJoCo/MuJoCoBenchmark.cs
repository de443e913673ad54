using System.Diagnostics;

namespace SharpRL.Environments.MuJoCo;

/// <summary>One env's speed: the managed env against a tight native loop doing the same physics.</summary>
/// <param name="Id">Env id.</param>
/// <param name="ManagedStepsPerSecond">Env steps/s of the SharpRL env (best of the repeats).</param>
/// <param name="NativeStepsPerSecond">Steps/s of the native C loop, or null when it was not run.</param>
/// <param name="SameTrajectory">Whether both ended in the same qpos[0], bit for bit (they computed the same work).</param>
/// <param name="PairedRatios">
/// Managed / native steps/s of each repeat, the two loops timed back to back (empty when the native loop was not run).
/// On a shared machine the load drifts between repeats; a pair's two halves see nearly the same load, so the
/// median of these ratios is steadier than the ratio of the two bests.
/// </param>
public sealed record MuJoCoBenchmarkResult(string Id, double ManagedStepsPerSecond, double? NativeStepsPerSecond, bool? SameTrajectory, IReadOnlyList<double> PairedRatios)
{
    /// <summary>Best managed / best native steps per second.</summary>
    public double? Ratio => NativeStepsPerSecond is double native ? ManagedStepsPerSecond / native : null;

    /// <summary>Median of <see cref="PairedRatios"/>, or null without the native loop.</summary>
    public double? MedianPairedRatio => PairedRatios.Count == 0 ? null : Quantile(0.5);

    /// <summary>First and third quartiles of <see cref="PairedRatios"/> (linear interpolation), or null without the native loop.</summary>
    public (double Low, double High)? PairedRatioQuartiles => PairedRatios.Count == 0 ? null : (Quantile(0.25), Quantile(0.75));

    private double Quantile(double q)
    {
        double[] sorted = [.. PairedRatios.Order()];
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}

/// <summary>
/// Single-env speed of the MuJoCo envs against tools/mujoco/native_bench.c: both start from qpos0 and step a
/// cycled table of the same pseudo-random actions (frame_skip × mj_step + mj_rnePostConstraint per env
/// step; the env also computes its observation, reward and info), without termination
/// (<c>terminate_when_unhealthy=false</c>), so both compute the identical trajectory.
/// </summary>
public static class MuJoCoBenchmark
{
    private const int TableSize = 1000;

    /// <summary>The envs the speed check names.</summary>
    public static IReadOnlyList<string> DefaultIds { get; } = ["Hopper-v4", "HalfCheetah-v4", "Ant-v4", "Humanoid-v4"];

    /// <summary>Times the managed env; returns steps/s (best of <paramref name="repeats"/>) and the final qpos[0].</summary>
    /// <param name="id">A MuJoCo env id.</param>
    /// <param name="steps">Env steps per repeat.</param>
    /// <param name="repeats">Repeats (the best counts).</param>
    public static (double StepsPerSecond, double FinalX, string ModelPath, int FrameSkip) RunManaged(string id, long steps, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        (string name, _) = SharpRL.Envs.EnvRegistry.SplitId(id);
        // No reset noise: the reset then is mj_resetData + mj_forward at qpos0, as in the native loop (mj_forward
        // also writes the solver's warm start, so the states must match before it, not after).
        var options = new Dictionary<string, object> { ["reset_noise_scale"] = 0.0 };
        if (!name.StartsWith("HalfCheetah", StringComparison.Ordinal) && !name.StartsWith("Swimmer", StringComparison.Ordinal))
        {
            options["terminate_when_unhealthy"] = false;
        }

        using var env = (MuJoCoEnv)((SharpRL.Envs.Wrappers.Wrapper)Gym.Make(id, options)).Unwrapped;
        float[] table = ActionTable(env);
        int nu = env.ActionSpace.FlatSize;
        var observation = new float[env.ObservationSpace.FlatSize];
        double best = 0;
        double x = 0;
        for (int r = 0; r < repeats; r++)
        {
            env.Reset(observation, seed: 0);
            long start = Stopwatch.GetTimestamp();
            for (long t = 0; t < steps; t++)
            {
                env.Step(table.AsSpan((int)(t % TableSize) * nu, nu), observation);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, steps / seconds);
            x = env.Qpos[0];
        }

        return (best, x, env.ModelPath, env.FrameSkip);
    }

    /// <summary>Runs both loops (managed, then native) for each id.</summary>
    /// <param name="ids">Env ids.</param>
    /// <param name="steps">Steps per repeat.</param>
    /// <param name="repeats">Repeats, interleaved managed/native: the best of each and the ratio of each back-to-back pair count.</param>
    /// <param name="nativeBench">Path of a built native_bench, or null to time the managed env only.</param>
    public static IReadOnlyList<MuJoCoBenchmarkResult> Run(IEnumerable<string> ids, long steps, int repeats, string? nativeBench)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var results = new List<MuJoCoBenchmarkResult>();
        foreach (string id in ids)
        {
            double managed = 0;
            double native = 0;
            bool? same = null;
            var pairs = new List<double>(repeats);
            for (int r = 0; r < repeats; r++)
            {
                (double rate, double x, string model, int frameSkip) = RunManaged(id, steps, 1);
                managed = Math.Max(managed, rate);
                if (nativeBench is not null)
                {
                    (double nativeRate, double nativeX) = RunNative(nativeBench, model, frameSkip, steps);
                    native = Math.Max(native, nativeRate);
                    pairs.Add(rate / nativeRate);
                    same = (same ?? true) && BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(nativeX);
                }
            }

            results.Add(new MuJoCoBenchmarkResult(id, managed, nativeBench is null ? null : native, same, pairs));
        }

        return results;
    }

    /// <summary>Builds tools/mujoco/native_bench.c with gcc (found above the app's folder, as in a checkout), or returns why not.</summary>
    public static (string? Path, string? Problem) BuildNative()
    {
        string? source = null;
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tools", "mujoco", "native_bench.c");
            if (File.Exists(candidate))
            {
                source = candidate;
                break;
            }
        }

        if (source is null)
        {
            return (null, "tools/mujoco/native_bench.c was not found above the app's folder (run from a SharpRL checkout, or pass --native PATH).");
        }

        string output = Path.Combine(Path.GetTempPath(), $"sharprl_native_bench_{Environment.ProcessId}");
        try
        {
            using Process process = Process.Start(new ProcessStartInfo("gcc", ["-std=c11", "-O2", "-o", output, source, "-lmujoco"]) { RedirectStandardError = true, UseShellExecute = false })!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? (output, null) : (null, $"gcc could not build native_bench (needs libmujoco-dev): {errors.Split('\n')[0]}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "gcc is not installed; the native baseline is not timed.");
        }
    }

    private static (double StepsPerSecond, double FinalX) RunNative(string nativeBench, string model, int frameSkip, long steps)
    {
        var start = new ProcessStartInfo(nativeBench, [model, frameSkip.ToString(CultureInfo.InvariantCulture), steps.ToString(CultureInfo.InvariantCulture), "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string[] fields = text.Trim().Split(' ');
        if (process.ExitCode != 0 || fields.Length != 2)
        {
            throw new InvalidOperationException($"native_bench failed ({process.ExitCode}): {process.StandardError.ReadToEnd()}");
        }

        return (double.Parse(fields[0], CultureInfo.InvariantCulture), BitConverter.Int64BitsToDouble(long.Parse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
    }

    // The same LCG and mapping as native_bench.c: a = lo + (hi − lo)·u, u the top 53 bits, as float.
    private static float[] ActionTable(MuJoCoEnv env)
    {
        var box = (SharpRL.Spaces.Box)env.ActionSpace;
        int nu = box.FlatSize;
        ReadOnlySpan<double> range = env.ControlRange;
        float[] table = new float[TableSize * nu];
        ulong s = 42;
        for (int i = 0; i < table.Length; i++)
        {
            s = unchecked((s * 6364136223846793005UL) + 1442695040888963407UL);
            double u = (s >> 11) * (1.0 / 9007199254740992.0);
            int k = i % nu;
            double lo = range[2 * k];
            double hi = range[(2 * k) + 1];
            table[i] = (float)(lo + ((hi - lo) * u));
        }

        return table;
    }
}
