namespace SharpRL.Datasets;

/// <summary>
/// The <c>env_spec</c> entry of a Minari dataset: Gymnasium 1.x's <c>EnvSpec.to_json()</c>
/// (id, entry_point, reward_threshold, nondeterministic, max_episode_steps, order_enforce,
/// disable_env_checker, kwargs, additional_wrappers, vector_entry_point), so that Minari's
/// <c>recover_environment()</c> can <c>gym.make</c> the env a SharpRL dataset was recorded in.
/// </summary>
public static class MinariEnvSpec
{
    // Gymnasium's registrations of the envs SharpRL reimplements, so a Python reader gets the same env.
    private static readonly Dictionary<string, (string EntryPoint, string? VectorEntryPoint)> GymnasiumEntryPoints = new(StringComparer.Ordinal)
    {
        ["CartPole-v1"] = ("gymnasium.envs.classic_control.cartpole:CartPoleEnv", "gymnasium.envs.classic_control.cartpole:CartPoleVectorEnv"),
        ["Pendulum-v1"] = ("gymnasium.envs.classic_control.pendulum:PendulumEnv", null),
        ["Acrobot-v1"] = ("gymnasium.envs.classic_control.acrobot:AcrobotEnv", null),
        ["MountainCar-v0"] = ("gymnasium.envs.classic_control.mountain_car:MountainCarEnv", null),
        ["MountainCarContinuous-v0"] = ("gymnasium.envs.classic_control.continuous_mountain_car:Continuous_MountainCarEnv", null),
        ["Hopper-v4"] = ("gymnasium.envs.mujoco.hopper_v4:HopperEnv", null),
        ["HalfCheetah-v4"] = ("gymnasium.envs.mujoco.half_cheetah_v4:HalfCheetahEnv", null),
        ["Walker2d-v4"] = ("gymnasium.envs.mujoco.walker2d_v4:Walker2dEnv", null),
        ["Ant-v4"] = ("gymnasium.envs.mujoco.ant_v4:AntEnv", null),
    };

    /// <summary>
    /// The JSON string for <paramref name="spec"/>. Envs Gymnasium does not know get the entry point
    /// <c>sharprl:&lt;id&gt;</c>: Minari still loads the data (the spaces are stored separately), but
    /// cannot recreate the env.
    /// </summary>
    public static string Serialize(EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        (string entryPoint, string? vectorEntryPoint) = GymnasiumEntryPoints.TryGetValue(spec.Id, out var known) ? known : ("sharprl:" + spec.Id, null);
        var node = new JsonObject
        {
            ["id"] = spec.Id,
            ["entry_point"] = entryPoint,
            ["reward_threshold"] = spec.RewardThreshold is double threshold ? JsonValue.Create(threshold) : null,
            ["nondeterministic"] = false,
            ["max_episode_steps"] = spec.MaxEpisodeSteps is int steps ? JsonValue.Create((long)steps) : null,
            ["order_enforce"] = true,
            ["disable_env_checker"] = false,
            ["kwargs"] = new JsonObject(),
            ["additional_wrappers"] = new JsonArray(),
            ["vector_entry_point"] = vectorEntryPoint,
        };
        return PythonJson.Serialize(node);
    }

    /// <summary>Reads the id, time limit and reward threshold back from an env_spec string.</summary>
    public static EnvSpec Deserialize(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject node = PythonJson.Parse(json) as JsonObject ?? throw new FormatException($"{what} is not a JSON object.");
        string id = node["id"]?.GetValue<string>() ?? throw new FormatException($"{what} has no \"id\".");
        int? maxSteps = node["max_episode_steps"] is JsonValue m ? m.GetValue<int>() : null;
        double? threshold = node["reward_threshold"] is JsonValue r ? PythonJson.ReadDouble(r, what + ".reward_threshold") : null;
        return new EnvSpec(id, maxSteps, threshold);
    }
}
