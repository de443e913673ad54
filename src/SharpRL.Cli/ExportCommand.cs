using System.CommandLine;
using SharpRL.Environments;
using SharpRL.Inference;
using SharpRL.Onnx;
using SharpRL.IO;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl export &lt;run-or-checkpoint&gt; --format onnx|sharprl --out FILE [--flavour sharprl|ml-agents]</c>:
/// writes a trained policy for deployment, as an ONNX graph or as the compact file SharpRL.Inference's
/// <c>Agent.Load</c> reads (docs/deploy.md).
/// </summary>
internal static class ExportCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("run-or-checkpoint") { Description = "A run folder (uses its final model, else its latest checkpoint) or a checkpoint path." };
        var format = new Option<string>("--format") { Description = "onnx (ONNX Runtime, Unity Inference Engine/Sentis, Godot) or sharprl (the .srlp file of SharpRL.Inference).", DefaultValueFactory = _ => "onnx" };
        var output = new Option<string>("--out") { Description = "File to write (e.g. policy.onnx or policy.srlp).", Required = true };
        var flavour = new Option<string>("--flavour") { Description = "ONNX naming: sharprl (obs → action, logits/mean/log_std, value) or ml-agents (Unity ML-Agents' obs_0 / action_masks contract).", DefaultValueFactory = _ => "sharprl" };
        var noValue = new Option<bool>("--no-value") { Description = "Leave the critic V(s) out (a smaller file)." };
        var command = new Command("export", "Export a trained policy for games and services. Example: sharprl export runs/ppo_CartPole-v1_s0 --format onnx --out policy.onnx")
        {
            path, format, output, flavour, noValue,
        };
        command.SetAction(parse => CliRunner.Run(parse, writer =>
        {
            string formatName = parse.GetValue(format)!.ToLowerInvariant();
            string flavourName = parse.GetValue(flavour)!.ToLowerInvariant();
            OnnxFlavour onnxFlavour = flavourName switch
            {
                "sharprl" => OnnxFlavour.SharpRL,
                "ml-agents" or "mlagents" => OnnxFlavour.MlAgents,
                _ => throw new CliError($"--flavour '{flavourName}' is unknown; expected sharprl or ml-agents."),
            };
            if (formatName is not ("onnx" or "sharprl"))
            {
                throw new CliError($"--format '{formatName}' is unknown; expected onnx or sharprl.");
            }

            if (formatName == "sharprl" && onnxFlavour != OnnxFlavour.SharpRL)
            {
                throw new CliError("--flavour applies to --format onnx only.");
            }

            string destination = parse.GetValue(output)!;
            PolicyModel model;
            try
            {
                model = PolicyModelBuilder.FromCheckpoint(parse.GetValue(path)!, Gym.Registry, includeValue: !parse.GetValue(noValue));
            }
            catch (NotSupportedException e)
            {
                throw new CliError(e.Message);
            }

            if (formatName == "onnx")
            {
                OnnxExporter.Save(model, destination, new OnnxExportOptions { Flavour = onnxFlavour });
            }
            else
            {
                AtomicFile.Write(destination, stream => PolicyModelFile.Write(model, stream));
            }

            writer.WriteLine($"wrote {destination}: {model.Head} policy, {model.ObservationSize} observation floats → {model.ActionSize} action floats" +
                $"{(model.Normalizer is null ? string.Empty : ", observation normaliser inside")}{(formatName == "onnx" ? $", opset {OnnxExporter.Opset}, {flavourName} flavour" : string.Empty)}");
            return 0;
        }));
        return command;
    }
}
