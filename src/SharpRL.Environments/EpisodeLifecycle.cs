using System.Runtime.CompilerServices;

namespace SharpRL.Environments;

/// <summary>
/// Gymnasium's seeding and the episode bookkeeping that the classic-control and MuJoCo envs keep alike:
/// the env's generator (<c>np_random</c>: <c>reset(seed)</c> re-creates it as
/// <c>np.random.default_rng(seed)</c>, unseeded resets continue its stream), whether a reset is due, and
/// whether one ever happened (so stepping too early throws instead of Gymnasium's warning); and their
/// part of a state snapshot.
/// </summary>
internal sealed class EpisodeLifecycle
{
    private NumpyGenerator? _random;

    /// <summary>The env's generator; seeded from OS entropy on first use if no seed was ever given.</summary>
    public NumpyGenerator NpRandom => _random ??= NumpyGenerator.Create(null);

    /// <summary>Whether the episode is over (or never started): a step would throw.</summary>
    public bool NeedsReset { get; private set; } = true;

    /// <summary>Whether the env was ever reset (or set from outside).</summary>
    public bool HasReset { get; private set; }

    /// <summary>Re-creates the generator from <paramref name="seed"/> (a reset's seed; null keeps the stream).</summary>
    public void Seed(int? seed)
    {
        if (seed is { } s)
        {
            if (s < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(seed), s, "Seed must be non-negative (Gymnasium's seeding rejects negative seeds).");
            }

            _random = NumpyGenerator.Create(s);
        }
    }

    /// <summary>Records a reset, or a state set from outside (<c>SetState</c>): stepping is allowed.</summary>
    public void MarkStarted()
    {
        NeedsReset = false;
        HasReset = true;
    }

    /// <summary>Records that the episode terminated: the next step must be preceded by a reset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkTerminated() => NeedsReset = true;

    /// <summary>Throws the error of a step that is not allowed now, naming <paramref name="env"/>; returns if stepping is allowed.</summary>
    public void ThrowIfCannotStep(string env)
    {
        if (!HasReset)
        {
            throw new InvalidOperationException($"{env}: Step called before Reset. Call Reset to start an episode.");
        }

        if (NeedsReset)
        {
            throw new InvalidOperationException($"{env}: Step called after the episode terminated. Call Reset before stepping again.");
        }
    }

    /// <summary>Writes the generator and the flags into <paramref name="state"/>.</summary>
    public void Save(JsonObject state)
    {
        state["np_random"] = EnvState.Generator(_random);
        state["needs_reset"] = NeedsReset;
        state["has_reset"] = HasReset;
    }

    /// <summary>Reads what <see cref="Save"/> wrote, changing nothing yet (the caller checks the rest of the snapshot first).</summary>
    public Snapshot Read(JsonObject state)
        => new(EnvState.ReadGenerator(state, "np_random"), EnvState.ReadBoolean(state, "needs_reset"), EnvState.ReadBoolean(state, "has_reset"));

    /// <summary>Restores what <see cref="Read"/> read.</summary>
    public void Restore(Snapshot snapshot) => (_random, NeedsReset, HasReset) = (snapshot.Random, snapshot.NeedsReset, snapshot.HasReset);

    /// <summary>The part of a snapshot <see cref="Save"/> writes.</summary>
    public readonly record struct Snapshot(NumpyGenerator? Random, bool NeedsReset, bool HasReset);
}
