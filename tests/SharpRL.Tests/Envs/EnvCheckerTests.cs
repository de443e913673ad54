using SharpRL.Environments.Toy;
using SharpRL.Envs;
using SharpRL.Spaces;

namespace SharpRL.Tests.Envs;

public class EnvCheckerTests
{
    public static TheoryData<string> GoodEnvs => new() { "chain", "chain-uniform", "bandit", "random-walk" };

    private static IEnv MakeGood(string name) => name switch
    {
        "chain" => new ChainMdp(5, 20),
        "chain-uniform" => new ChainMdp(5, 20, ChainStart.Uniform),
        "bandit" => new TwoArmedBandit(),
        _ => new RandomWalkEnv(),
    };

    [Theory]
    [MemberData(nameof(GoodEnvs))]
    public void Check_ConformingEnv_IsValid(string name)
    {
        using IEnv env = MakeGood(name);
        EnvCheckResult result = EnvChecker.Check(env);
        Assert.True(result.IsValid, result.ToString());
        Assert.Empty(result.Warnings);
        result.ThrowIfInvalid();
    }

    [Fact]
    public void Check_EnvWithManyDefects_ListsEveryProblem()
    {
        using var env = new BrokenEnv
        {
            LeavesObservationUnwritten = true,
            Nondeterministic = true,
            AcceptsAnyAction = true,
            AcceptsStepAfterEnd = true,
            NaNReward = true,
            ObservationOutsideSpace = true,
        };
        EnvCheckResult result = EnvChecker.Check(env);
        Assert.False(result.IsValid);
        string all = string.Join("\n", result.Problems);
        Assert.Contains("non-finite value NaN at index 1", all, StringComparison.Ordinal);
        Assert.Contains("same seed", all, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("outside Box(-1.0, 1.0, (1,), float32)", all, StringComparison.Ordinal);
        Assert.Contains("action of 2 floats", all, StringComparison.Ordinal);
        Assert.Contains("after the episode ended", all, StringComparison.Ordinal);
        Assert.Contains("reward NaN", all, StringComparison.Ordinal);
        Assert.Contains("lies outside the observation space", all, StringComparison.Ordinal);
        Assert.True(result.Problems.Count >= 7, all);

        var ex = Assert.Throws<InvalidOperationException>(result.ThrowIfInvalid);
        foreach (string problem in result.Problems)
        {
            Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(nameof(BrokenEnv.LeavesObservationUnwritten), "NaN means the env did not write it")]
    [InlineData(nameof(BrokenEnv.Nondeterministic), "same seed")]
    [InlineData(nameof(BrokenEnv.AcceptsAnyAction), "lies outside Box")]
    [InlineData(nameof(BrokenEnv.AcceptsStepAfterEnd), "after the episode ended (terminated at step 3)")]
    [InlineData(nameof(BrokenEnv.NaNReward), "rewards must be finite")]
    [InlineData(nameof(BrokenEnv.ObservationOutsideSpace), "lies outside the observation space")]
    [InlineData(nameof(BrokenEnv.ResetThrows), "Reset(seed: 0) threw InvalidOperationException: boom")]
    public void Check_SingleDefect_ReportsItInPlainWords(string defect, string expectedText)
    {
        using var env = new BrokenEnv();
        typeof(BrokenEnv).GetProperty(defect)!.SetValue(env, true);
        EnvCheckResult result = EnvChecker.Check(env);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains(expectedText, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Check_ObservationDependsOnEpisodeCount_ReportsNondeterminism()
    {
        // CountingEnv writes how many episodes it has run into the observation, so the seed does not determine it.
        using var env = new CountingEnv(7);
        EnvCheckResult result = EnvChecker.Check(env);
        Assert.Contains(result.Problems, p => p.StartsWith("Reset with the same seed (0) gave different first observations", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_NullSpaces_ReportsBoth()
    {
        using var env = new BrokenEnv { NullSpaces = true };
        EnvCheckResult result = EnvChecker.Check(env);
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.StartsWith("ObservationSpace is null", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("ActionSpace is null", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_EnvThatNeverEnds_WarnsThatTheEndCheckDidNotRun()
    {
        using var env = new BrokenEnv { NeverEnds = true };
        EnvCheckResult result = EnvChecker.Check(env, maxSteps: 50);
        Assert.True(result.IsValid, result.ToString());
        Assert.Single(result.Warnings);
        Assert.Contains("No episode ended within 50", result.Warnings[0], StringComparison.Ordinal);
    }

    /// <summary>A 1-D env (episodes of 3 steps) whose defects can be switched on one by one.</summary>
    private sealed class BrokenEnv : IEnv
    {
        private static readonly Random Unseeded = new();
        private int _t;
        private bool _needsReset = true;

        public bool NullSpaces { get; set; }

        public bool LeavesObservationUnwritten { get; set; }

        public bool Nondeterministic { get; set; }

        public bool AcceptsAnyAction { get; set; }

        public bool AcceptsStepAfterEnd { get; set; }

        public bool NaNReward { get; set; }

        public bool ObservationOutsideSpace { get; set; }

        public bool ResetThrows { get; set; }

        public bool NeverEnds { get; set; }

        public Space ObservationSpace => NullSpaces ? null! : new Box(-5f, 5f, 2);

        public Space ActionSpace => NullSpaces ? null! : new Box(-1f, 1f, 1);

        public EnvSpec? Spec => null;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        {
            if (ResetThrows)
            {
                throw new InvalidOperationException("boom");
            }

            _t = 0;
            _needsReset = false;
            observation[0] = Nondeterministic ? (float)Unseeded.NextDouble() : 0.5f;
            if (!LeavesObservationUnwritten)
            {
                observation[1] = 0;
            }
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            if (_needsReset && !AcceptsStepAfterEnd)
            {
                throw new InvalidOperationException("Call Reset.");
            }

            if (!AcceptsAnyAction && (action.Length != 1 || !ActionSpace.Contains(action)))
            {
                throw new ArgumentException("bad action", nameof(action));
            }

            _t++;
            observation[0] = ObservationOutsideSpace ? 9f : action[0];
            observation[1] = _t % 3;
            bool done = !NeverEnds && _t >= 3;
            _needsReset = done;
            return new StepResult(NaNReward ? double.NaN : 1.0, done, false);
        }

        public void Dispose()
        {
        }
    }
}
