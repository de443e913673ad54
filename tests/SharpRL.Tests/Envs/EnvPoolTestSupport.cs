using System.Runtime.InteropServices;
using SharpRL.Environments.MuJoCo;
using SharpRL.Envs;
using SharpRL.Rng;
using SharpRL.Spaces;

namespace SharpRL.Tests.Envs;

/// <summary>Comparisons and envs the env pool tests share.</summary>
internal static class EnvPoolTestSupport
{
    public const string MuJoCoHint = "MuJoCo 2.2.2 is not installed: run `sudo apt-get install -y libmujoco2.2.2 libmujoco-dev` (CI installs it in .ci/run).";

    /// <summary>Skips without libmujoco (with the install hint), except under CI=true, where that fails.</summary>
    public static void RequireMuJoCo()
    {
        if (MuJoCoLibrary.IsAvailable)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(MuJoCoHint);
        }

        Skip.If(true, MuJoCoHint);
    }

    public static void AssertBitEqual<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : struct
    {
        Assert.True(
            MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual)),
            $"{what} differ: expected [{string.Join(", ", expected.ToArray())}], got [{string.Join(", ", actual.ToArray())}]");
    }

    /// <summary>
    /// Steps <paramref name="reference"/> and <paramref name="candidate"/> with the same sampled actions and
    /// asserts every output is bit-identical (final observations where an episode ended, info values when the
    /// copies report them). Returns the number of episodes that ended.
    /// </summary>
    public static int CompareBitForBit(IVectorEnv reference, IVectorEnv candidate, int steps, int seed)
    {
        int n = reference.NumEnvs;
        int obsSize = reference.SingleObservationSpace.FlatSize;
        int actSize = reference.SingleActionSpace.FlatSize;
        float[] obsA = new float[n * obsSize], obsB = new float[n * obsSize];
        double[] rewA = new double[n], rewB = new double[n];
        bool[] termA = new bool[n], termB = new bool[n], truncA = new bool[n], truncB = new bool[n];
        float[] actions = new float[n * actSize];
        var infoKeys = (reference as IVectorStepInfoEnv)?.InfoKeys ?? [];
        double[] infoA = new double[infoKeys.Count], infoB = new double[infoKeys.Count];
        NumpyGenerator random = NumpyGenerator.Create(seed);
        reference.Reset(obsA, seed);
        candidate.Reset(obsB, seed);
        AssertBitEqual<float>(obsA, obsB, "reset observations");
        int finished = 0;
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                reference.SingleActionSpace.Sample(actions.AsSpan(i * actSize, actSize), random);
            }

            reference.Step(actions, obsA, rewA, termA, truncA);
            candidate.Step(actions, obsB, rewB, termB, truncB);
            AssertBitEqual<float>(obsA, obsB, $"observations at step {step}");
            AssertBitEqual<double>(rewA, rewB, $"rewards at step {step}");
            Assert.Equal(termA, termB);
            Assert.Equal(truncA, truncB);
            Assert.Equal(reference.CompletedEpisodes, candidate.CompletedEpisodes);
            for (int i = 0; i < n; i++)
            {
                if (termA[i] || truncA[i])
                {
                    AssertBitEqual(reference.FinalObservations.Slice(i * obsSize, obsSize), candidate.FinalObservations.Slice(i * obsSize, obsSize), $"final observations of env {i} at step {step}");
                    finished++;
                }

                if (infoKeys.Count > 0)
                {
                    ((IVectorStepInfoEnv)reference).GetInfo(i, infoA);
                    ((IVectorStepInfoEnv)candidate).GetInfo(i, infoB);
                    AssertBitEqual<double>(infoA, infoB, $"info of env {i} at step {step}");
                }
            }
        }

        return finished;
    }
}

/// <summary>A <see cref="CountingEnv"/>-like env (observation [t, id, 0]) whose steps wait for a gate while it is closed.</summary>
internal sealed class GatedEnv(int id) : IEnv
{
    private int _t;

    public ManualResetEventSlim Gate { get; } = new(true);

    public Space ObservationSpace { get; } = new Box(-1, 1_000_000, 3);

    public Space ActionSpace { get; } = new Box(-1, 1, 1);

    public EnvSpec? Spec => null;

    public bool Disposed { get; private set; }

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _t = 0;
        observation[0] = _t;
        observation[1] = id;
        observation[2] = 0;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        Gate.Wait();
        _t++;
        observation[0] = _t;
        observation[1] = id;
        observation[2] = action[0];
        return new StepResult(_t, false, false);
    }

    public void Dispose()
    {
        Disposed = true;
        Gate.Dispose();
    }
}

/// <summary>An env whose step throws at a given step count (1-based); other steps behave like <see cref="GatedEnv"/>.</summary>
internal sealed class FailingEnv(int failAtStep) : IEnv
{
    private int _t;

    public Space ObservationSpace { get; } = new Box(-1, 1_000_000, 3);

    public Space ActionSpace { get; } = new Box(-1, 1, 1);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _t = 0;
        observation.Clear();
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _t++;
        if (_t == failAtStep)
        {
            throw new InvalidDataException($"simulated failure at step {_t}");
        }

        observation[0] = _t;
        return new StepResult(1, false, false);
    }

    public void Dispose()
    {
    }
}
