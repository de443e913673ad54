namespace SharpRL.Envs;

/// <summary>What <see cref="EnvChecker.Check"/> found: every problem, in plain words.</summary>
public sealed class EnvCheckResult
{
    internal EnvCheckResult(IReadOnlyList<string> problems, IReadOnlyList<string> warnings)
    {
        Problems = problems;
        Warnings = warnings;
    }

    /// <summary>Violations of the <see cref="IEnv"/> contract, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Checks that could not be carried out (e.g. no episode ended within the step budget).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>Throws an <see cref="InvalidOperationException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new InvalidOperationException(ToString());
        }
    }

    /// <summary>The problems and warnings as a bulleted list.</summary>
    public override string ToString()
    {
        if (IsValid && Warnings.Count == 0)
        {
            return "The env passed every check.";
        }

        var text = new System.Text.StringBuilder();
        text.Append(IsValid ? "The env passed every check" : $"The env failed {Problems.Count} check(s)");
        text.Append(Warnings.Count > 0 ? $" ({Warnings.Count} could not be run)" : string.Empty).AppendLine(":");
        foreach (string problem in Problems)
        {
            text.Append("  - ").AppendLine(problem);
        }

        foreach (string warning in Warnings)
        {
            text.Append("  - (warning) ").AppendLine(warning);
        }

        return text.ToString();
    }
}

/// <summary>
/// Checks that a custom env keeps the <see cref="IEnv"/> contract (Gymnasium's <c>check_env</c>)
/// and reports every problem it finds rather than stopping at the first: spaces present; Reset
/// writes a finite observation inside the observation space; the same seed gives the same first
/// observation and the same first steps under the same actions; steps return observations inside
/// the space and finite rewards; an action outside the action space (or of the wrong length) is
/// refused; a step after the episode ended is refused.
/// </summary>
public static class EnvChecker
{
    private const int DeterminismSteps = 5;

    /// <summary>Runs every check on <paramref name="env"/> (which is reset and stepped, not disposed).</summary>
    /// <param name="env">The env to check.</param>
    /// <param name="seed">Seed for the env's resets and for the sampled actions.</param>
    /// <param name="maxSteps">Step budget for playing one episode to its end with random actions.</param>
    public static EnvCheckResult Check(IEnv env, int seed = 0, int maxSteps = 1000)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        if (maxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "maxSteps must be at least 1.");
        }

        var problems = new List<string>();
        var warnings = new List<string>();
        Space? observationSpace = Guard(problems, "reading ObservationSpace", () => env.ObservationSpace);
        Space? actionSpace = Guard(problems, "reading ActionSpace", () => env.ActionSpace);
        if (observationSpace is null || actionSpace is null)
        {
            if (observationSpace is null)
            {
                problems.Add("ObservationSpace is null: every env must declare the space of its observations.");
            }

            if (actionSpace is null)
            {
                problems.Add("ActionSpace is null: every env must declare the space of its actions.");
            }

            return new EnvCheckResult(problems, warnings);
        }

        if (observationSpace.FlatSize <= 0 || actionSpace.FlatSize <= 0)
        {
            problems.Add($"Spaces must hold at least one float per value; ObservationSpace.FlatSize = {observationSpace.FlatSize}, ActionSpace.FlatSize = {actionSpace.FlatSize}.");
            return new EnvCheckResult(problems, warnings);
        }

        var context = new Context(env, observationSpace, actionSpace, seed, problems, warnings);
        if (!CheckReset(context))
        {
            // Nothing else can be checked without a working Reset.
            return new EnvCheckResult(problems, warnings);
        }

        CheckDeterminism(context);
        CheckEpisode(context, maxSteps);
        CheckInvalidActions(context);
        return new EnvCheckResult(problems, warnings);
    }

    private static bool CheckReset(Context c)
    {
        float[] observation = NaNs(c.ObservationSpace.FlatSize);
        if (!TryReset(c, observation, c.Seed, "Reset"))
        {
            return false;
        }

        CheckObservation(c, observation, $"The first observation after Reset(seed: {c.Seed})");
        return true;
    }

    private static void CheckDeterminism(Context c)
    {
        Trajectory? first = Play(c);
        Trajectory? second = first is null ? null : Play(c);
        if (first is null || second is null)
        {
            return;
        }

        if (!first.Observations[0].AsSpan().SequenceEqual(second.Observations[0]))
        {
            c.Problems.Add($"Reset with the same seed ({c.Seed}) gave different first observations, {Format(first.Observations[0])} and {Format(second.Observations[0])}: the seed must fully determine the episode (re-seed the env's generator in Reset).");
            return;
        }

        int steps = Math.Min(first.Results.Count, second.Results.Count);
        for (int k = 0; k < steps; k++)
        {
            bool sameObservation = first.Observations[k + 1].AsSpan().SequenceEqual(second.Observations[k + 1]);
            if (!sameObservation || first.Results[k] != second.Results[k])
            {
                c.Problems.Add($"Same seed and same actions gave different results at step {k + 1}: observation {Format(first.Observations[k + 1])} with {first.Results[k]} versus {Format(second.Observations[k + 1])} with {second.Results[k]}. The env's randomness must come only from its seeded generator.");
                return;
            }
        }

        if (first.Results.Count != second.Results.Count)
        {
            c.Problems.Add($"Same seed and same actions gave episodes of different lengths ({first.Results.Count} and {second.Results.Count} steps).");
        }
    }

    // Plays DeterminismSteps steps with actions drawn from a generator seeded like the env.
    private static Trajectory? Play(Context c)
    {
        var trajectory = new Trajectory();
        float[] observation = NaNs(c.ObservationSpace.FlatSize);
        if (!TryReset(c, observation, c.Seed, "Reset"))
        {
            return null;
        }

        trajectory.Observations.Add(observation);
        NumpyGenerator actions = NumpyGenerator.Create(c.Seed);
        float[] action = new float[c.ActionSpace.FlatSize];
        for (int k = 0; k < DeterminismSteps; k++)
        {
            c.ActionSpace.Sample(action, actions);
            observation = NaNs(c.ObservationSpace.FlatSize);
            StepResult? result = TryStep(c, action, observation, $"Step {k + 1} after Reset(seed: {c.Seed})");
            if (result is null)
            {
                return null;
            }

            trajectory.Observations.Add(observation);
            trajectory.Results.Add(result.Value);
            if (result.Value.Done)
            {
                break;
            }
        }

        return trajectory;
    }

    private static void CheckEpisode(Context c, int maxSteps)
    {
        float[] observation = NaNs(c.ObservationSpace.FlatSize);
        if (!TryReset(c, observation, c.Seed, "Reset"))
        {
            return;
        }

        NumpyGenerator actions = NumpyGenerator.Create(c.Seed + 1L);
        float[] action = new float[c.ActionSpace.FlatSize];
        bool observationReported = false;
        bool rewardReported = false;
        for (int k = 1; k <= maxSteps; k++)
        {
            c.ActionSpace.Sample(action, actions);
            observation.AsSpan().Fill(float.NaN);
            StepResult? result = TryStep(c, action, observation, $"Step {k} with the in-space action {Format(action)}");
            if (result is null)
            {
                return;
            }

            if (!observationReported)
            {
                observationReported = !CheckObservation(c, observation, $"The observation returned by step {k}");
            }

            if (!rewardReported && !double.IsFinite(result.Value.Reward))
            {
                c.Problems.Add($"Step {k} returned the reward {result.Value.Reward}; rewards must be finite numbers.");
                rewardReported = true;
            }

            if (result.Value.Done)
            {
                CheckStepAfterEnd(c, action, k, result.Value);
                return;
            }
        }

        c.Warnings.Add($"No episode ended within {maxSteps} random steps, so refusing a step after the end was not checked (wrap the env in a TimeLimit, or raise maxSteps).");
    }

    private static void CheckStepAfterEnd(Context c, float[] action, int step, StepResult last)
    {
        string how = last.Terminated ? "terminated" : "truncated";
        try
        {
            c.Env.Step(action, new float[c.ObservationSpace.FlatSize]);
            c.Problems.Add($"A step after the episode ended ({how} at step {step}) was accepted; the env must refuse steps (e.g. throw InvalidOperationException) until the next Reset.");
        }
        catch (Exception)
        {
            // Refused, as required.
        }
    }

    private static void CheckInvalidActions(Context c)
    {
        float[] observation = new float[c.ObservationSpace.FlatSize];
        float[]? outside = OutOfSpaceAction(c.ActionSpace, c.Seed);
        if (outside is null)
        {
            c.Warnings.Add($"Could not construct an action outside {c.ActionSpace}, so refusing out-of-space actions was not checked.");
        }
        else if (TryReset(c, observation, c.Seed, "Reset"))
        {
            ExpectRefused(c, outside, observation, $"the action {Format(outside)}, which lies outside {c.ActionSpace}");
        }

        float[] tooLong = new float[c.ActionSpace.FlatSize + 1];
        if (TryReset(c, observation, c.Seed, "Reset"))
        {
            ExpectRefused(c, tooLong, observation, $"an action of {tooLong.Length} floats (ActionSpace.FlatSize is {c.ActionSpace.FlatSize})");
        }

        // Leave the env in a clean state for the caller.
        TryReset(c, observation, c.Seed, "Reset");
    }

    private static void ExpectRefused(Context c, float[] action, float[] observation, string what)
    {
        try
        {
            c.Env.Step(action, observation);
            c.Problems.Add($"Step accepted {what}; it must throw an ArgumentException instead of acting on it.");
        }
        catch (Exception)
        {
            // Refused, as required.
        }
    }

    // A value just past a bound, or NaN where the space has no finite bound.
    private static float[]? OutOfSpaceAction(Space space, int seed)
    {
        float[] action = new float[space.FlatSize];
        space.Sample(action, NumpyGenerator.Create(seed));
        switch (space)
        {
            case Discrete d:
                action[0] = d.Start + d.N;
                break;
            case MultiDiscrete m:
                action[0] = m.Start[0] + m.Nvec[0];
                break;
            case Box b:
                int bounded = -1;
                for (int i = 0; i < b.FlatSize && bounded < 0; i++)
                {
                    bounded = float.IsFinite(b.High[i]) ? i : -1;
                }

                if (bounded >= 0)
                {
                    action[bounded] = b.High[bounded] + 1 + Math.Abs(b.High[bounded]);
                }
                else
                {
                    action[0] = float.NaN;
                }

                break;
            default:
                action[0] = float.NaN;
                break;
        }

        try
        {
            return space.Contains(action) ? null : action;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool CheckObservation(Context c, float[] observation, string what)
    {
        bool ok = true;
        int nonFinite = Array.FindIndex(observation, x => !float.IsFinite(x));
        if (nonFinite >= 0)
        {
            c.Problems.Add($"{what} has the non-finite value {observation[nonFinite].ToString(CultureInfo.InvariantCulture)} at index {nonFinite} (NaN means the env did not write it): {Format(observation)}.");
            ok = false;
        }

        bool inside;
        try
        {
            inside = c.ObservationSpace.Contains(observation);
        }
        catch (ArgumentException ex)
        {
            c.Problems.Add($"ObservationSpace.Contains refused an observation of FlatSize floats: {ex.Message}");
            return false;
        }

        if (!inside && nonFinite < 0)
        {
            c.Problems.Add($"{what}, {Format(observation)}, lies outside the observation space {c.ObservationSpace}.");
            ok = false;
        }

        return ok;
    }

    private static bool TryReset(Context c, float[] observation, int seed, string what)
    {
        try
        {
            c.Env.Reset(observation, seed);
            return true;
        }
        catch (Exception ex)
        {
            c.Problems.Add($"{what}(seed: {seed}) threw {ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }

    private static StepResult? TryStep(Context c, float[] action, float[] observation, string what)
    {
        try
        {
            return c.Env.Step(action, observation);
        }
        catch (Exception ex)
        {
            c.Problems.Add($"{what} threw {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }

    private static T? Guard<T>(List<string> problems, string what, Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception ex)
        {
            problems.Add($"{what} threw {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }

    private static float[] NaNs(int size)
    {
        var values = new float[size];
        values.AsSpan().Fill(float.NaN);
        return values;
    }

    private static string Format(float[] values)
    {
        const int shown = 8;
        IEnumerable<string> items = values.Take(shown).Select(x => x.ToString("G6", CultureInfo.InvariantCulture));
        return "[" + string.Join(", ", items) + (values.Length > shown ? $", … ({values.Length} values)" : string.Empty) + "]";
    }

    private sealed record Context(IEnv Env, Space ObservationSpace, Space ActionSpace, int Seed, List<string> Problems, List<string> Warnings);

    private sealed class Trajectory
    {
        public List<float[]> Observations { get; } = [];

        public List<StepResult> Results { get; } = [];
    }
}
