using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.Impala;
using SharpRL.Nn;

namespace SharpRL.Cluster;

/// <summary>
/// The learner's inbox: hands each push to the <see cref="ImpalaClusterSource"/> of its silo. Reentrant: a push
/// waiting for room in a full inbox must not hold up the other workers' pushes (nor a malformed one's refusal).
/// </summary>
[OwnSiloPlacement]
[Orleans.Concurrency.Reentrant]
public sealed class ImpalaLearnerGrain : OwnSiloGrain, IImpalaLearnerGrain
{
    /// <summary>Created by Orleans.</summary>
    public ImpalaLearnerGrain(ILocalSiloDetails silo)
        : base(silo, "The IMPALA inbox", hostedHere: true)
    {
    }

    /// <inheritdoc />
    public Task<ImpalaPushReply> Push(ImpalaChunkBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ImpalaClusterSource? source = ImpalaClusterSource.Find(this.GetPrimaryKeyString());
        return source is null
            ? Task.FromResult(new ImpalaPushReply { Stop = true, Reason = "this learner runs no IMPALA training now" })
            : source.AcceptAsync(batch);
    }
}

/// <summary>
/// A worker silo's IMPALA actor: K env copies (made by the silo's <see cref="RolloutWorker"/>, so
/// <c>--env-assembly</c>, <c>--env</c> and <c>--algo</c> apply) and a policy replica, unrolled on a thread of
/// its own; each unroll is pushed to the learner's inbox and the reply's weights, when newer, are loaded.
/// </summary>
[OwnSiloPlacement]
public sealed class ImpalaWorkerGrain : OwnSiloGrain, IImpalaWorkerGrain
{
    private readonly RolloutWorker? _worker;
    private readonly IGrainFactory _grains;

    /// <summary>Created by Orleans.</summary>
    public ImpalaWorkerGrain(IServiceProvider services, ILocalSiloDetails silo)
        : base(silo, "IMPALA worker", services.GetService<RolloutWorker>() is not null)
    {
        _worker = services.GetService<RolloutWorker>();
        _grains = services.GetRequiredService<IGrainFactory>();
    }

    /// <inheritdoc />
    public Task<JoinReply> Start(ImpalaJoinRequest request) => Task.FromResult(ImpalaWorkerLoop.Start(_worker!, _grains, request, this.GetPrimaryKeyString()));

    /// <inheritdoc />
    public Task Stop()
    {
        ImpalaWorkerLoop.Stop(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }
}

/// <summary>The actor loop of a worker silo (one per silo: a new Start stops the previous run's loop).</summary>
internal sealed class ImpalaWorkerLoop
{
    private static readonly Lock Gate = new();
    // One actor per worker silo, keyed by the silo (several silos may share a process, as in tests).
    private static readonly Dictionary<string, ImpalaWorkerLoop> Running = new(StringComparer.Ordinal);

    private readonly ImpalaActor _actor;
    private readonly PublishedWeights _weights;
    private readonly IImpalaLearnerGrain _inbox;
    private readonly string _workerKey;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    private ImpalaWorkerLoop(ImpalaActor actor, PublishedWeights weights, IImpalaLearnerGrain inbox, string workerKey)
    {
        _actor = actor;
        _weights = weights;
        _inbox = inbox;
        _workerKey = workerKey;
        _thread = new Thread(Run) { IsBackground = true, Name = "impala-cluster-actor" };
    }

    public static JoinReply Start(RolloutWorker worker, IGrainFactory grains, ImpalaJoinRequest request, string workerKey)
    {
        string describe = $"{Environment.MachineName} pid {Environment.ProcessId}";
        string? refusal = worker.CheckJoin(request, "impala", request.UnrollLength, "unroll");
        if (refusal is not null)
        {
            return new JoinReply { Accepted = false, Reason = refusal, Describe = describe };
        }

        ImpalaActor actor;
        try
        {
            ImpalaOptions options = OptionsBinder.FromJson(new ImpalaOptions(), JsonNode.Parse(request.PolicyOptionsJson)!.AsObject());
            actor = new ImpalaActor(() => worker.MakeEnv(request.EnvId), request.NumEnvs, request.UnrollLength, options.Policy, request.FirstEnvIndex, request.Seed);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            return new JoinReply { Accepted = false, Reason = $"this worker cannot set up the run: {e.Message}", Describe = describe };
        }

        if ((actor.ObservationSpace.ToString() ?? "") != request.ObservationSpace || (actor.ActionSpace.ToString() ?? "") != request.ActionSpace)
        {
            string reason = $"env '{request.EnvId}' on this worker has observations {actor.ObservationSpace} and actions {actor.ActionSpace}; the learner expects {request.ObservationSpace} and {request.ActionSpace}";
            actor.Dispose();
            return new JoinReply { Accepted = false, Reason = reason, Describe = describe };
        }

        if (request.Parameters.Length != actor.ParameterCount * sizeof(float))
        {
            actor.Dispose();
            return new JoinReply { Accepted = false, Reason = string.Create(CultureInfo.InvariantCulture, $"the learner's weights have {request.Parameters.Length / sizeof(float)} parameters; this worker's policy has {actor.ParameterCount}"), Describe = describe };
        }

        var weights = new PublishedWeights(actor.ParameterCount);
        weights.Publish(MemoryMarshal.Cast<byte, float>(request.Parameters), request.Version);
        var loop = new ImpalaWorkerLoop(actor, weights, grains.GetGrain<IImpalaLearnerGrain>(request.LearnerKey), workerKey);
        lock (Gate)
        {
            Running.GetValueOrDefault(workerKey)?.Halt();
            Running[workerKey] = loop;
        }

        loop._thread.Start();
        return new JoinReply { Accepted = true, Describe = describe };
    }

    public static void Stop(string workerKey)
    {
        lock (Gate)
        {
            if (Running.Remove(workerKey, out ImpalaWorkerLoop? loop))
            {
                loop.Halt();
            }
        }
    }

    private void Halt()
    {
        _stop.Cancel();
        if (Thread.CurrentThread != _thread && _thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(30));
        }

        _actor.Dispose();
    }

    private void Run()
    {
        CancellationToken stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                _actor.Refresh(_weights);
                long started = Stopwatch.GetTimestamp();
                TrajectoryChunk[] chunks = _actor.Unroll();
                var batch = new ImpalaChunkBatch
                {
                    Worker = _workerKey,
                    UnrollSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
                    Chunks = [.. chunks.Select(ImpalaChunkMessage.From)],
                };
                ImpalaPushReply reply = _inbox.Push(batch).WaitAsync(stop).GetAwaiter().GetResult();
                if (reply.Stop)
                {
                    return;
                }

                if (reply.Parameters is { } parameters && parameters.Length == _actor.ParameterCount * sizeof(float))
                {
                    _weights.Publish(MemoryMarshal.Cast<byte, float>(parameters), reply.Version);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the learner or by a newer run.
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // The learner is gone; the silo stays up for the next run.
            Trace.TraceWarning($"IMPALA actor stopped: {e.Message}");
        }
    }
}
