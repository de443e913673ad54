// PPO on WallMaze-v0 with and without invalid-action masks, over several seeds: the learning curves as an
// SVG (SharpRL.Experiments' SvgPlot, the plot of `sharprl compare`) and a CSV, plus the illegal moves taken.
// Usage: dotnet run -c Release --project samples/MaskedMaze [out-folder] [timesteps] [seeds]
using System.Globalization;
using System.Text;
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Environments.Toy;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Experiments;
using SharpRL.IO;
using SharpRL.Policies;
using SharpRL.Spaces;

string outDir = args.Length > 0 ? args[0] : "runs/masked_maze";
long timesteps = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 32_768;
int seeds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
Directory.CreateDirectory(outDir);

// The settings of docs/action-masks.md's table: 4 envs × 64 steps, batch 64, 4 epochs, lr 3e-3, 32-unit networks.
var options = new PpoOptions
{
    NumEnvs = 4,
    NumSteps = 64,
    BatchSize = 64,
    NumEpochs = 4,
    LearningRate = Schedule.Constant(3e-3),
    EntCoef = 0.01,
    Policy = new PolicyOptions { PolicyHiddenSizes = [32], ValueHiddenSizes = [32] },
};

IReadOnlyList<long> grid = ComparisonCurves.Grid(timesteps, 64);
var series = new List<PlotSeries>();
var csv = new List<string> { "variant,seed,timesteps,mean_return_last_100,illegal_moves_so_far" };
foreach (bool masked in new[] { true, false })
{
    string label = masked ? "PPO with action masks" : "PPO without masks";
    var curves = new List<IReadOnlyList<CurvePoint>>();
    for (int seed = 0; seed < seeds; seed++)
    {
        var recorder = new EpisodeRecorder();
        Recorded[] envs = [.. Enumerable.Range(0, options.NumEnvs).Select(_ => new Recorded(new WallMaze(), masked, recorder))];
        using var vector = new SyncVectorEnv([.. envs.Cast<IEnv>()]);
        using var ppo = new Ppo(vector, options, seed);
        ppo.Learn(timesteps);
        long illegal = envs.Sum(e => e.Maze.IllegalMoves);
        curves.Add(recorder.Curve);
        csv.AddRange(grid.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{(masked ? "masked" : "unmasked")},{seed},{t},{ComparisonCurves.ValueAt(recorder.Curve, t):F4},{ComparisonCurves.ValueAt(recorder.IllegalMoves, t)}")));
        // Solved: the mean of a full window of 100 episodes reaches 0.9 (a lucky first episode does not count).
        int first = Enumerable.Range(0, recorder.Curve.Count).FirstOrDefault(i => recorder.WindowSizes[i] == 100 && recorder.Curve[i].Return >= 0.9, -1);
        long? solved = first < 0 ? null : recorder.Curve[first].Timesteps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}, seed {seed}: final mean return (last 100 episodes) {recorder.Curve[^1].Return:F2}, 100-episode mean ≥ 0.9 from {(solved is null ? "never" : $"{solved} steps")}, illegal moves {illegal}"));
    }

    IReadOnlyList<AggregatePoint> aggregate = ComparisonCurves.Aggregate(curves, grid);
    AggregatePoint[] drawn = [.. aggregate.Where(p => p.Seeds > 0)];
    series.Add(new PlotSeries($"{label} ({seeds} seeds: mean, min–max)", [.. drawn.Select(p => (double)p.Timesteps)], [.. drawn.Select(p => p.Mean)], [.. drawn.Select(p => p.Min)], [.. drawn.Select(p => p.Max)]));
}

string svgPath = Path.Combine(outDir, "wallmaze-masks.svg");
string svg = SvgPlot.ToText(SvgPlot.Lines("PPO on WallMaze-v0: invalid-action masking", "env steps", "mean return of the last 100 episodes", series, new PlotReferenceLine(1.0, "solved every episode")));
AtomicFile.WriteAllBytes(svgPath, Encoding.UTF8.GetBytes(svg));
AtomicFile.WriteAllBytes(Path.Combine(outDir, "wallmaze-masks.csv"), Encoding.UTF8.GetBytes(string.Join('\n', csv) + "\n"));
Console.WriteLine($"wrote {svgPath} and wallmaze-masks.csv");

/// <summary>Episode returns of all env copies of one run, against the env steps taken so far (all copies together).</summary>
internal sealed class EpisodeRecorder
{
    private readonly Queue<double> _window = new();
    private double _sum;

    public long Steps { get; set; }

    public List<CurvePoint> Curve { get; } = [];

    public List<int> WindowSizes { get; } = [];

    // Illegal moves taken so far (all copies), at each episode end.
    public List<CurvePoint> IllegalMoves { get; } = [];

    public long Illegal { get; set; }

    // The mean return of the last 100 episodes, as rollout/ep_rew_mean reports it.
    public void EpisodeEnded(double episodeReturn)
    {
        _window.Enqueue(episodeReturn);
        _sum += episodeReturn;
        if (_window.Count > 100)
        {
            _sum -= _window.Dequeue();
        }

        Curve.Add(new CurvePoint(Steps, _sum / _window.Count));
        WindowSizes.Add(_window.Count);
        IllegalMoves.Add(new CurvePoint(Steps, Illegal));
    }
}

/// <summary>A maze that records its episodes and shows its action mask or hides it (the unmasked baseline).</summary>
internal sealed class Recorded(WallMaze maze, bool showMask, EpisodeRecorder recorder) : IEnv, IActionMaskEnv
{
    private double _return;

    public WallMaze Maze => maze;

    public Space ObservationSpace => maze.ObservationSpace;

    public Space ActionSpace => maze.ActionSpace;

    public EnvSpec? Spec => null;

    public bool HasActionMask => showMask;

    public void GetActionMask(Span<bool> mask) => maze.GetActionMask(mask);

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _return = 0;
        maze.Reset(observation, seed, options);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        long illegalBefore = maze.IllegalMoves;
        StepResult result = maze.Step(action, observation);
        recorder.Steps++;
        recorder.Illegal += maze.IllegalMoves - illegalBefore;
        _return += result.Reward;
        if (result.Terminated || result.Truncated)
        {
            recorder.EpisodeEnded(_return);
        }

        return result;
    }

    public void Dispose() => maze.Dispose();
}
