using System.Text;
using SharpRL.Environments.MuJoCo;
using SharpRL.Envs.Wrappers;
using SharpRL.Rng;
using SharpRL.Spaces;

namespace SharpRL.Cli;

/// <summary><c>sharprl envs</c> lists env ids; <c>sharprl envs play</c> prints one JSON line per step.</summary>
internal static class EnvsCommand
{
    public static Command Build()
    {
        var envs = new Command("envs", "List registered envs with their spaces, or play one step by step.");
        envs.SetAction(parse => CliRunner.Run(parse, output =>
        {
            EnvRegistry registry = Gym.Registry;
            foreach (string id in registry.Ids)
            {
                EnvSpec spec = registry.GetSpec(id);
                IEnv env;
                try
                {
                    env = registry.Make(id);
                }
                catch (MuJoCoNotFoundException)
                {
                    output.WriteLine($"{id,-26} (needs MuJoCo 2.2.2: sudo apt-get install -y libmujoco2.2.2)");
                    continue;
                }

                using IEnv made = env;
                string limit = spec.MaxEpisodeSteps is int steps ? steps.ToString(CultureInfo.InvariantCulture) : "none";
                string threshold = spec.RewardThreshold is double r ? r.ToString(CultureInfo.InvariantCulture) : "none";
                output.WriteLine($"{id,-26} obs {env.ObservationSpace}  act {env.ActionSpace}  max_steps {limit}  reward_threshold {threshold}");
            }

            return 0;
        }));

        var id = new Argument<string>("env") { Description = "Env id, e.g. CartPole-v1." };
        var seed = new Option<int>("--seed") { Description = "Seed of the first reset and of the random policy.", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--steps") { Description = "Steps to play.", DefaultValueFactory = _ => 10 };
        var policy = new Option<string>("--policy") { Description = "random (action_space.sample seeded with --seed), or a run folder / checkpoint (deterministic actions).", DefaultValueFactory = _ => "random" };
        var envKwargs = new Option<string[]>("--env-kwargs") { Description = "Env constructor option, key=value (repeatable).", AllowMultipleArgumentsPerToken = true };
        var play = new Command("play", "Print one JSON line per step: obs, action, reward, terminated, truncated, next_obs, info (Gymnasium's info entries, where the env reports any; MuJoCo envs: also next_obs64, the float64 observation, and qpos, qvel, qacc_warmstart after the step).") { id, seed, steps, policy, envKwargs };
        play.SetAction(parse => CliRunner.Run(parse, output => Play(output, WithKwargs(parse.GetValue(id), parse.GetValue(envKwargs))!, parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(policy)!)));
        envs.Add(play);
        return envs;
    }

    /// <summary>Writes --env-kwargs into the env id: "Hopper-v5" + [a=1, b=2] → "Hopper-v5[a=1,b=2]".</summary>
    internal static string? WithKwargs(string? envId, string[]? kwargs)
    {
        if (envId is null || kwargs is not { Length: > 0 })
        {
            return envId;
        }

        foreach (string kwarg in kwargs)
        {
            if (kwarg.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new CliError($"--env-kwargs '{kwarg}' is not key=value.");
            }
        }

        return $"{envId}[{string.Join(",", kwargs)}]";
    }

    private static int Play(TextWriter output, string envId, int seed, int steps, string policySource)
    {
        if (steps < 0)
        {
            throw new CliError($"--steps = {steps} is invalid; expected a non-negative number.");
        }

        using IEnv env = Gym.Registry.Make(envId);
        LoadedPolicy? trained = policySource == "random" ? null : AgentCheckpoint.LoadPolicy(policySource, Gym.Registry);
        if (trained is not null && trained.Run.EnvId != envId)
        {
            throw new CliError($"The policy at '{policySource}' was trained on {trained.Run.EnvId}, not {envId}.");
        }

        NumpyGenerator actionRandom = NumpyGenerator.Create(seed);
        var observation = new float[env.ObservationSpace.FlatSize];
        var next = new float[observation.Length];
        var policyRandom = new Random(seed);
        var action = new float[env.ActionSpace.FlatSize];
        env.Reset(observation, seed);
        IReadOnlyList<string> infoKeys = (env as IStepInfoEnv)?.InfoKeys ?? [];
        MuJoCoEnv? mujoco = (env as Wrapper)?.Unwrapped as MuJoCoEnv;
        var infoValues = new double[infoKeys.Count];
        var line = new StringBuilder();
        for (int t = 0; t < steps; t++)
        {
            if (trained is null)
            {
                env.ActionSpace.Sample(action, actionRandom);
            }
            else
            {
                trained.Policy.Act(observation, action, deterministic: true, policyRandom);
            }

            StepResult result = env.Step(action, next);
            line.Clear();
            line.Append("{\"obs\": ");
            AppendArray(line, observation);
            line.Append(", \"action\": ");
            if (env.ActionSpace is Discrete)
            {
                line.Append(((long)action[0]).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                AppendArray(line, action);
            }

            line.Append(", \"reward\": ").Append(result.Reward.ToString("R", CultureInfo.InvariantCulture));
            line.Append(", \"terminated\": ").Append(result.Terminated ? "true" : "false");
            line.Append(", \"truncated\": ").Append(result.Truncated ? "true" : "false");
            line.Append(", \"next_obs\": ");
            AppendArray(line, next);
            if (infoKeys.Count > 0 || mujoco is not null)
            {
                ((IStepInfoEnv)env).GetInfo(infoValues);
                AppendInfo(line, infoKeys, infoValues, mujoco?.ArrayInfo() ?? []);
            }

            if (mujoco is not null)
            {
                // The full simulator state after the step, in round-trip precision, to diff against Gymnasium, and the
                // observation as Gymnasium's float64 array (agents get it rounded to float32, next_obs above).
                line.Append(", \"next_obs64\": ");
                AppendArray(line, mujoco.Observation64);
                line.Append(", \"qpos\": ");
                AppendArray(line, mujoco.Qpos);
                line.Append(", \"qvel\": ");
                AppendArray(line, mujoco.Qvel);
                line.Append(", \"qacc_warmstart\": ");
                AppendArray(line, mujoco.QaccWarmstart);
            }

            line.Append('}');
            output.WriteLine(line.ToString());
            if (result.Done)
            {
                env.Reset(observation);
            }
            else
            {
                next.CopyTo(observation, 0);
            }
        }

        return 0;
    }

    // Gymnasium's info dict of the step: the scalar entries it reported (NaN = not reported) and the array ones.
    private static void AppendInfo(StringBuilder builder, IReadOnlyList<string> keys, ReadOnlySpan<double> values, IReadOnlyList<KeyValuePair<string, double[]>> arrays)
    {
        builder.Append(", \"info\": {");
        bool first = true;
        for (int i = 0; i < keys.Count; i++)
        {
            if (double.IsNaN(values[i]))
            {
                continue;
            }

            builder.Append(first ? "\"" : ", \"").Append(keys[i]).Append("\": ").Append(values[i].ToString("R", CultureInfo.InvariantCulture));
            first = false;
        }

        foreach ((string key, double[] array) in arrays)
        {
            builder.Append(first ? "\"" : ", \"").Append(key).Append("\": ");
            AppendArray<double>(builder, array);
            first = false;
        }

        builder.Append('}');
    }

    // Shortest text that round-trips each value (a float32 one as NumPy prints float32).
    private static void AppendArray<T>(StringBuilder builder, ReadOnlySpan<T> values)
        where T : IFormattable
    {
        builder.Append('[');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        }

        builder.Append(']');
    }
}
