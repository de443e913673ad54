using SharpRL.Environments.MuJoCo;

namespace SharpRL.Cli;

/// <summary><c>sharprl bench mujoco</c>: single-env steps/s of MuJoCo envs against a tight native C loop.</summary>
internal static class MuJoCoBenchCommand
{
    public static Command Build()
    {
        var steps = new Option<long>("--steps") { Description = "Env steps per repeat.", DefaultValueFactory = _ => 5000 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats, managed and native back to back; the best of each, and the median ratio of the pairs, count.", DefaultValueFactory = _ => 9 };
        var ids = new Option<string[]>("--envs") { Description = "Env ids (default: Hopper-v4 HalfCheetah-v4 Ant-v4 Humanoid-v4).", AllowMultipleArgumentsPerToken = true };
        var native = new Option<string?>("--native") { Description = "A built tools/mujoco/native_bench (default: build it with gcc from the checkout)." };
        var command = new Command("mujoco", "MuJoCo env steps/s vs a native C loop doing the same physics (frame_skip × mj_step + mj_rnePostConstraint).") { steps, repeats, ids, native };
        command.SetAction(parse => CliRunner.Run(parse, output =>
        {
            string? nativePath = parse.GetValue(native);
            if (nativePath is null)
            {
                (nativePath, string? problem) = MuJoCoBenchmark.BuildNative();
                if (problem is not null)
                {
                    output.WriteLine($"note: {problem}");
                }
            }

            string[] selected = parse.GetValue(ids) is { Length: > 0 } given ? given : [.. MuJoCoBenchmark.DefaultIds];
            output.WriteLine("env                       SharpRL steps/s   native steps/s   ratio of bests   median pair ratio [quartiles]   same trajectory");
            foreach (MuJoCoBenchmarkResult r in MuJoCoBenchmark.Run(selected, parse.GetValue(steps), parse.GetValue(repeats), nativePath))
            {
                string nativeText = r.NativeStepsPerSecond is double n ? n.ToString("N0", CultureInfo.InvariantCulture) : "-";
                string ratio = r.Ratio is double q ? q.ToString("F3", CultureInfo.InvariantCulture) : "-";
                string paired = r.MedianPairedRatio is double median && r.PairedRatioQuartiles is (double low, double high)
                    ? string.Create(CultureInfo.InvariantCulture, $"{median:F3} [{low:F3}, {high:F3}]")
                    : "-";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Id,-25} {r.ManagedStepsPerSecond,15:N0}  {nativeText,15}  {ratio,14}   {paired,-29}   {r.SameTrajectory?.ToString() ?? "-"}"));
            }

            return 0;
        }));
        return command;
    }
}
