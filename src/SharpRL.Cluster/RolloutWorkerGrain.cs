using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Runtime;

namespace SharpRL.Cluster;

/// <summary>
/// The grain face of a silo's <see cref="RolloutWorker"/>. Placed on the silo that first calls it (the
/// worker silo activates it at start-up) and keyed by that silo's address; an activation anywhere else
/// (e.g. on the learner after the worker silo died) is refused, so a dead worker is never silently
/// replaced by a fresh one somewhere else.
/// </summary>
[PreferLocalPlacement]
public sealed class RolloutWorkerGrain : Grain, IRolloutWorkerGrain
{
    private readonly RolloutWorker? _worker;
    private readonly ILocalSiloDetails _silo;

    /// <summary>Created by Orleans.</summary>
    public RolloutWorkerGrain(IServiceProvider services, ILocalSiloDetails silo)
    {
        ArgumentNullException.ThrowIfNull(services);
        _worker = services.GetService<RolloutWorker>();
        _silo = silo;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string key = this.GetPrimaryKeyString();
        if (_worker is null || key != _silo.SiloAddress.ToParsableString())
        {
            throw new InvalidOperationException($"Rollout worker '{key}' cannot be activated on silo {_silo.SiloAddress}: it lives only in its own worker silo (which has left the cluster).");
        }

        // Idle between a learner's runs must not deactivate it: a new activation could only be refused.
        DelayDeactivation(TimeSpan.FromDays(3650));
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> Hello() => Task.FromResult($"{Environment.MachineName} pid {Environment.ProcessId}, silo {_silo.SiloAddress}");

    /// <inheritdoc />
    public Task<JoinReply> Join(JoinRequest request) => Task.FromResult(_worker!.Join(request));

    /// <inheritdoc />
    public Task<RolloutResult> Collect(RolloutRequest request) => Task.Run(() => _worker!.Collect(request));
}
