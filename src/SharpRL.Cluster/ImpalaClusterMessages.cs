using System.Runtime.InteropServices;
using SharpRL.Algorithms.Impala;

namespace SharpRL.Cluster;

/// <summary>What the IMPALA learner asks a worker silo to run: its actor's env copies, the unroll length, and the first weights.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.ImpalaJoinRequest")]
public sealed record ImpalaJoinRequest : RunSlice
{
    /// <summary>The learner hub's grain key (chunks are pushed there).</summary>
    [Id(0)]
    public string LearnerKey { get; set; } = "";

    /// <summary>T, steps per chunk.</summary>
    [Id(1)]
    public int UnrollLength { get; set; }

    /// <summary>Version of <see cref="Parameters"/>.</summary>
    [Id(2)]
    public long Version { get; set; }

    /// <summary>The weights to start with, float32 little-endian.</summary>
    [Id(3)]
    public byte[] Parameters { get; set; } = [];
}

/// <summary>One unroll of a worker's actor: K chunks, one message.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.ImpalaChunkBatch")]
public sealed class ImpalaChunkBatch
{
    /// <summary>The worker's silo (its grain key), for bookkeeping.</summary>
    [Id(0)]
    public string Worker { get; set; } = "";

    /// <summary>Seconds the unroll took on the worker.</summary>
    [Id(1)]
    public double UnrollSeconds { get; set; }

    /// <summary>The chunks.</summary>
    [Id(2)]
    public ImpalaChunkMessage[] Chunks { get; set; } = [];
}

/// <summary>A <see cref="TrajectoryChunk"/> on the wire: each array one little-endian block.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.ImpalaChunkMessage")]
public sealed class ImpalaChunkMessage
{
    /// <summary>T.</summary>
    [Id(0)]
    public int Length { get; set; }

    /// <summary>Floats per observation.</summary>
    [Id(1)]
    public int ObservationSize { get; set; }

    /// <summary>Floats per stored action.</summary>
    [Id(2)]
    public int ActionSize { get; set; }

    /// <summary>Version of the weights that acted.</summary>
    [Id(3)]
    public long PolicyVersion { get; set; }

    /// <summary>Global env copy index.</summary>
    [Id(4)]
    public int SourceId { get; set; }

    /// <summary>(T + 1) × obs float32.</summary>
    [Id(5)]
    public byte[] Observations { get; set; } = [];

    /// <summary>T × act float32.</summary>
    [Id(6)]
    public byte[] Actions { get; set; } = [];

    /// <summary>T float32.</summary>
    [Id(7)]
    public byte[] Rewards { get; set; } = [];

    /// <summary>T bytes, 0 or 1.</summary>
    [Id(8)]
    public byte[] Terminated { get; set; } = [];

    /// <summary>T bytes, 0 or 1.</summary>
    [Id(9)]
    public byte[] Truncated { get; set; } = [];

    /// <summary>T float32: ln μ(a_t|x_t).</summary>
    [Id(10)]
    public byte[] BehaviourLogProbs { get; set; } = [];

    /// <summary>Rows × obs float32, one per time-limit cut.</summary>
    [Id(11)]
    public byte[] FinalObservations { get; set; } = [];

    /// <summary>Returns of the episodes that ended in the chunk.</summary>
    [Id(12)]
    public double[] EpisodeReturns { get; set; } = [];

    /// <summary>Their lengths.</summary>
    [Id(13)]
    public int[] EpisodeLengths { get; set; } = [];

    /// <summary>Packs a chunk.</summary>
    public static ImpalaChunkMessage From(TrajectoryChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return new ImpalaChunkMessage
        {
            Length = chunk.Length,
            ObservationSize = chunk.ObservationSize,
            ActionSize = chunk.ActionSize,
            PolicyVersion = chunk.PolicyVersion,
            SourceId = chunk.SourceId,
            Observations = Bytes(chunk.Observations),
            Actions = Bytes(chunk.Actions),
            Rewards = Bytes(chunk.Rewards),
            Terminated = [.. chunk.Terminated.Select(b => b ? (byte)1 : (byte)0)],
            Truncated = [.. chunk.Truncated.Select(b => b ? (byte)1 : (byte)0)],
            BehaviourLogProbs = Bytes(chunk.BehaviourLogProbs),
            FinalObservations = Bytes(chunk.FinalObservations),
            EpisodeReturns = chunk.EpisodeReturns,
            EpisodeLengths = chunk.EpisodeLengths,
        };
    }

    /// <summary>
    /// Unpacks the message after checking every block's size against the run's T, observation and action
    /// sizes (then <see cref="TrajectoryChunk.Validate"/> checks the values); throws an <see cref="InvalidDataException"/> naming what is wrong.
    /// </summary>
    public TrajectoryChunk ToChunk(int length, int observationSize, int actionSize)
    {
        if (Length != length || ObservationSize != observationSize || ActionSize != actionSize)
        {
            throw new InvalidDataException($"chunk of {Length} steps, {ObservationSize} observation and {ActionSize} action floats; the run has {length}, {observationSize} and {actionSize}");
        }

        Check("observations", Observations, (long)(length + 1) * observationSize * sizeof(float));
        Check("actions", Actions, (long)length * actionSize * sizeof(float));
        Check("rewards", Rewards, (long)length * sizeof(float));
        Check("terminated flags", Terminated, length);
        Check("truncated flags", Truncated, length);
        Check("behaviour log-probabilities", BehaviourLogProbs, (long)length * sizeof(float));
        if (FinalObservations is null || FinalObservations.Length % (observationSize * sizeof(float)) != 0 || FinalObservations.Length > (long)length * observationSize * sizeof(float))
        {
            throw new InvalidDataException($"final observations: {FinalObservations?.Length ?? 0} bytes, expected whole rows of {observationSize} floats, at most {length}");
        }

        if (EpisodeReturns is null || EpisodeLengths is null || EpisodeReturns.Length != EpisodeLengths.Length || EpisodeReturns.Length > length)
        {
            throw new InvalidDataException("episode lists of mismatched lengths or more episodes than steps");
        }

        var chunk = new TrajectoryChunk
        {
            Length = length,
            ObservationSize = observationSize,
            ActionSize = actionSize,
            PolicyVersion = PolicyVersion,
            SourceId = SourceId,
            Observations = Floats(Observations),
            Actions = Floats(Actions),
            Rewards = Floats(Rewards),
            Terminated = Flags("terminated flags", Terminated),
            Truncated = Flags("truncated flags", Truncated),
            BehaviourLogProbs = Floats(BehaviourLogProbs),
            FinalObservations = Floats(FinalObservations),
            EpisodeReturns = EpisodeReturns,
            EpisodeLengths = EpisodeLengths,
        };
        chunk.Validate(length, observationSize, actionSize);
        return chunk;
    }

    private static void Check(string name, byte[]? block, long expected)
    {
        if (block is null || block.LongLength != expected)
        {
            throw new InvalidDataException($"{name}: {block?.LongLength ?? 0} bytes, expected {expected}");
        }
    }

    private static bool[] Flags(string name, byte[] block)
    {
        bool[] flags = new bool[block.Length];
        for (int i = 0; i < block.Length; i++)
        {
            flags[i] = block[i] switch
            {
                0 => false,
                1 => true,
                _ => throw new InvalidDataException($"{name}: byte {i} is {block[i]}, expected 0 or 1"),
            };
        }

        return flags;
    }

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static float[] Floats(byte[] block) => MemoryMarshal.Cast<byte, float>(block).ToArray();
}

/// <summary>The learner's answer to a push: newer weights when it has them, or stop.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.ImpalaPushReply")]
public sealed class ImpalaPushReply
{
    /// <summary>The worker should stop its actor (the run ended, or it sent a malformed batch).</summary>
    [Id(0)]
    public bool Stop { get; set; }

    /// <summary>Why it should stop.</summary>
    [Id(1)]
    public string Reason { get; set; } = "";

    /// <summary>Version of <see cref="Parameters"/> (when present).</summary>
    [Id(2)]
    public long Version { get; set; }

    /// <summary>Newer weights than the batch was made with, or null.</summary>
    [Id(3)]
    public byte[]? Parameters { get; set; }
}

/// <summary>The IMPALA actor of one worker silo (keyed by that silo's address, placed there).</summary>
public interface IImpalaWorkerGrain : IGrainWithStringKey
{
    /// <summary>Checks the run and starts the actor loop; refuses with a reason.</summary>
    Task<JoinReply> Start(ImpalaJoinRequest request);

    /// <summary>Stops the actor loop (idempotent).</summary>
    Task Stop();
}

/// <summary>The learner's inbox for trajectory chunks (keyed by the learner silo's address, placed there).</summary>
public interface IImpalaLearnerGrain : IGrainWithStringKey
{
    /// <summary>Delivers one unroll's chunks; waits while the learner's queue is full; answers with newer weights or stop.</summary>
    Task<ImpalaPushReply> Push(ImpalaChunkBatch batch);
}
