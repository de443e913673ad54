using SharpRL.Inference;
using SharpRL.Onnx;
using SharpRL.IO;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl export &lt;run-or-checkpoint&gt; --format onnx|sharprl --out FILE [--flavour sharprl|ml-agents] [--action-masks auto|on|off]</c>:
/// writes a trained policy for deployment, as an ONNX graph or as the compact file SharpRL.Inference's
/// <c>Agent.Load</c> reads (docs/deploy.md).
/// </summary>
internal static class ExportCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("run-or-checkpoint") { Description = "A run folder (uses its final model, else its latest checkpoint) or a checkpoint path." };
        var format = new Option<string>("--format") { Description = "onnx (ONNX Runtime, Unity Inference Engine/Sentis, Godot) or sharprl / srlp (the .srlp file of SharpRL.Inference).", DefaultValueFactory = _ => "onnx" };
        var output = new Option<string>("--out") { Description = "File to write (e.g. policy.onnx or policy.srlp).", Required = true };
        var flavour = new Option<string>("--flavour") { Description = "ONNX naming: sharprl (obs → action, logits/mean/log_std, value) or ml-agents (Unity ML-Agents' obs_0 / action_masks contract).", DefaultValueFactory = _ => "sharprl" };
        var noValue = new Option<bool>("--no-value") { Description = "Leave the critic V(s) out (a smaller file)." };
        var masks = new Option<string>("--action-masks")
        {
            Description = "ONNX action_masks input (SharpRL flavour): auto (when the run's env supplied action masks), on or off. The ML-Agents flavour always has it for discrete actions.",
            DefaultValueFactory = _ => "auto",
        };
        var command = new Command("export", "Export a trained policy for games and services. Example: sharprl export runs/ppo_CartPole-v1_s0 --format onnx --out policy.onnx")
        {
            path, format, output, flavour, noValue, masks,
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
            formatName = formatName == "srlp" ? "sharprl" : formatName;
            if (formatName is not ("onnx" or "sharprl"))
            {
                throw new CliError($"--format '{formatName}' is unknown; expected onnx or sharprl (srlp).");
            }

            string maskMode = parse.GetValue(masks)!.ToLowerInvariant();
            if (maskMode is not ("auto" or "on" or "off"))
            {
                throw new CliError($"--action-masks '{maskMode}' is unknown; expected auto, on or off.");
            }

            if (maskMode != "auto" && formatName != "onnx")
            {
                throw new CliError("--action-masks applies to --format onnx only (a .srlp file's Agent takes a mask per call when it is given one).");
            }

            if (formatName == "sharprl" && onnxFlavour != OnnxFlavour.SharpRL)
            {
                throw new CliError("--flavour applies to --format onnx only.");
            }

            string destination = parse.GetValue(output)!;
            string source = parse.GetValue(path)!;
            PolicyModel model;
            bool maskInput;
            try
            {
                model = PolicyModelBuilder.FromCheckpoint(source, Gym.Registry, includeValue: !parse.GetValue(noValue));
                maskInput = maskMode switch
                {
                    "on" => true,
                    "off" => false,
                    _ => model.IsDiscrete && PolicyModelBuilder.TrainedWithActionMasks(source, Gym.Registry),
                };
            }
            catch (NotSupportedException e)
            {
                throw new CliError(e.Message);
            }

            if (maskInput && !model.IsDiscrete)
            {
                throw new CliError($"--action-masks on: a {model.Head} policy has continuous actions, which cannot be masked; masks apply to Discrete and MultiDiscrete actions.");
            }

            if (maskMode == "off" && onnxFlavour == OnnxFlavour.MlAgents && model.IsDiscrete)
            {
                throw new CliError("--action-masks off: the ML-Agents flavour always has the action_masks input for discrete actions (ML-Agents feeds it); use --flavour sharprl for a graph without it.");
            }

            if (formatName == "onnx")
            {
                OnnxExporter.Save(model, destination, new OnnxExportOptions { Flavour = onnxFlavour, ActionMaskInput = maskInput });
            }
            else
            {
                AtomicFile.Write(destination, stream => PolicyModelFile.Write(model, stream));
            }

            writer.WriteLine($"wrote {destination}: {model.Head} policy, {model.ObservationSize} observation floats → {model.ActionSize} action floats" +
                $"{(model.Normalizer is null ? string.Empty : ", observation normaliser inside")}{(formatName == "onnx" ? $", opset {OnnxExporter.Opset}, {flavourName} flavour" : string.Empty)}" +
                $"{(formatName == "onnx" && model.IsDiscrete && (maskInput || onnxFlavour == OnnxFlavour.MlAgents) ? $", action_masks input{(maskMode == "auto" && maskInput ? " (the run's env supplied masks)" : string.Empty)}" : string.Empty)}");
            return 0;
        }));
        return command;
    }
}
