using SharpRL.Experiments;

namespace SharpRL.Cli;

/// <summary><c>sharprl compare &lt;env&gt; --algos …</c>: trains several algorithms over several seeds and writes learning curves, a plot and a table.</summary>
internal static class CompareCommand
{
    private const string DefaultAlgorithms = "ppo,trpo,npg,a2c,reinforce";

    public static Command Build()
    {
        var env = new Argument<string>("env") { Description = "A registered env id, e.g. CartPole-v1 (see `sharprl envs`)." };
        var algos = new Option<string>("--algos") { Description = $"Comma-separated algorithms, each trained with its preset; any of: {string.Join(", ", AlgorithmRegistry.Names)}; a variant with settings over the preset is written a2c[learning_rate=0.003,n_steps=16].", DefaultValueFactory = _ => DefaultAlgorithms };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per algorithm (0 … S−1).", DefaultValueFactory = _ => 3 };
        var timesteps = new Option<long?>("--timesteps") { Description = "Env steps per run, the same for every algorithm (default: the largest of their presets' budgets)." };
        var outDir = new Option<string?>("--out") { Description = "Folder for returns.csv, returns.svg, runs.csv and summary.csv (default: runs/compare_<env>)." };
        var evalEvery = new Option<long?>("--eval-every") { Description = "Also evaluate deterministically every K env steps (eval_returns.csv / .svg)." };
        var force = new Option<bool>("--force") { Description = "Replace the result files of an earlier comparison in --out." };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "Episodes per deterministic evaluation (periodic and final).", DefaultValueFactory = _ => 10 };
        var command = new Command("compare", "Compare algorithms on one env over several seeds. Example: sharprl compare CartPole-v1 --algos ppo,trpo,a2c --seeds 3 --timesteps 100000")
        {
            env, algos, seeds, timesteps, outDir, evalEvery, evalEpisodes, force,
        };
        command.SetAction(parse => CliRunner.Run(parse, output =>
        {
            string envId = parse.GetValue(env)!;
            string[] algorithms = SplitAlgorithms(parse.GetValue(algos) ?? "");
            long budget = parse.GetValue(timesteps) ?? DefaultBudget(algorithms, envId);
            var request = new ComparisonRequest
            {
                EnvId = envId,
                Algorithms = algorithms,
                Seeds = parse.GetValue(seeds),
                TotalTimesteps = budget,
                EvalEvery = parse.GetValue(evalEvery),
                EvalEpisodes = parse.GetValue(evalEpisodes),
            };
            string directory = parse.GetValue(outDir) ?? Path.Combine("runs", $"compare_{envId}");
            return Compare(request, directory, parse.GetValue(force), output);
        }));
        return command;
    }

    private static int Compare(ComparisonRequest request, string directory, bool force, TextWriter output)
    {
        Comparison.Validate(request, Gym.Registry);
        if (File.Exists(directory))
        {
            throw new CliError($"--out '{directory}' is a file; expected a folder.");
        }

        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            // Stale files of an earlier comparison (an eval curve this run does not write) would mix with the new ones.
            string[] foreign = [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(n => !ResultFiles.Contains(n!))!];
            if (!force)
            {
                throw new CliError($"--out '{directory}' is not empty; pass --force to replace an earlier comparison's files, or choose another --out.");
            }

            if (foreign.Length > 0)
            {
                throw new CliError($"--force replaces only a comparison's result files, but '{directory}' also holds {string.Join(", ", foreign.Take(3))}{(foreign.Length > 3 ? ", …" : "")}; choose another --out.");
            }

            foreach (string file in ResultFiles)
            {
                File.Delete(Path.Combine(directory, file));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Comparing {string.Join(", ", request.Algorithms)} on {request.EnvId}: {request.Seeds} seed(s) × {request.TotalTimesteps:N0} steps each → {directory}"));
        ComparisonResult result = Comparison.Run(request, Gym.Registry, p => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{p.Index}/{p.Count}] {p.Algorithm} seed {p.Run.Seed}: {p.Run.Timesteps:N0} steps in {p.Run.WallTime.TotalSeconds:F1} s, recent mean return {(p.Run.TrainingCurve.Count > 0 ? p.Run.TrainingCurve[^1].Return : double.NaN):F1}, final evaluation {p.Run.FinalEvaluation.Mean:F1}")));
        IReadOnlyList<string> files = ComparisonReport.WriteFiles(result, directory);
        output.WriteLine();
        output.Write(ComparisonReport.FormatTable(result));
        output.WriteLine();
        output.WriteLine($"Wrote {string.Join(", ", files)}");
        return 0;
    }

    private static readonly string[] ResultFiles =
    [
        ComparisonReport.TrainingCurvesFile, ComparisonReport.TrainingPlotFile, ComparisonReport.EvaluationCurvesFile,
        ComparisonReport.EvaluationPlotFile, ComparisonReport.RunsFile, ComparisonReport.SummaryFile,
    ];

    // Every run gets the same budget so the curves share an x axis; the largest tuned budget lets each preset finish.
    private static long DefaultBudget(IEnumerable<string> algorithms, string envId) =>
        algorithms.Select(a => a.Split('[')[0]).Where(AlgorithmRegistry.Contains).Select(a => AlgorithmRegistry.Get(a).GetPreset(envId).TotalTimesteps).DefaultIfEmpty(100_000).Max();

    // Commas inside a variant's brackets separate its settings, not algorithms.
    internal static string[] SplitAlgorithms(string list)
    {
        var entries = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i <= list.Length; i++)
        {
            if (i == list.Length || (list[i] == ',' && depth == 0))
            {
                string entry = list[start..i].Trim();
                if (entry.Length > 0)
                {
                    entries.Add(entry);
                }

                start = i + 1;
            }
            else if (list[i] == '[')
            {
                depth++;
            }
            else if (list[i] == ']')
            {
                depth--;
            }
        }

        return [.. entries];
    }
}
