using SharpRL.Datasets;

namespace SharpRL.Cli;

/// <summary><c>sharprl dataset info &lt;dir&gt;</c>: summarises a Minari dataset.</summary>
internal static class DatasetCommand
{
    public static Command Build()
    {
        var dataset = new Command("dataset", "Inspect Minari-format datasets.");
        var path = new Argument<string>("dataset") { Description = "Dataset folder (holding data/metadata.json and data/main_data.hdf5)." };
        var info = new Command("info", "Episodes, steps, returns and spaces of a dataset. Example: sharprl dataset info datasets/cartpole-expert") { path };
        info.SetAction(parse => CliRunner.Run(parse, output =>
        {
            MinariDataset loaded = MinariDataset.Load(parse.GetValue(path)!);
            double[] returns = [.. loaded.Episodes.Select(e => e.Return)];
            double mean = returns.Length > 0 ? returns.Average() : double.NaN;
            double std = returns.Length > 0 ? Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / returns.Length) : double.NaN;
            var lines = new List<string>
            {
                $"dataset        {loaded.DatasetId}",
                $"env            {loaded.EnvSpec?.Id ?? "(not recorded)"}",
                $"algorithm      {loaded.AlgorithmName ?? "(not recorded)"}",
                $"episodes       {loaded.Episodes.Count}",
                $"steps          {loaded.TotalSteps}",
                string.Create(CultureInfo.InvariantCulture, $"mean return    {mean:F2} ± {std:F2} (min {(returns.Length > 0 ? returns.Min() : double.NaN):F2}, max {(returns.Length > 0 ? returns.Max() : double.NaN):F2})"),
                string.Create(CultureInfo.InvariantCulture, $"mean length    {(loaded.Episodes.Count > 0 ? loaded.Episodes.Average(e => e.Length) : double.NaN):F1} (terminated {loaded.Episodes.Count(e => e.Terminations[^1])}, truncated {loaded.Episodes.Count(e => e.Truncations[^1])})"),
                $"observations   {loaded.ObservationSpace}",
                $"actions        {loaded.ActionSpace}",
            };
            string[] infoKeys = [.. loaded.Episodes.SelectMany(e => e.Infos.Keys).Distinct(StringComparer.Ordinal)];
            lines.Add($"infos          {(infoKeys.Length == 0 ? "(none)" : string.Join(", ", infoKeys))}");
            foreach (string line in lines)
            {
                output.WriteLine(line);
            }

            return 0;
        }));
        dataset.Add(info);
        return dataset;
    }
}
