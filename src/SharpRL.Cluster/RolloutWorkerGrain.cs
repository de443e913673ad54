using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace SharpRL.Cluster;

/// <summary>
/// The grain face of a silo's <see cref="RolloutWorker"/>, keyed by that silo's address and always placed
/// there (<see cref="OwnSiloPlacement"/>), so that a learner that lost the grain directory's entry (it was
/// restarted, or the directory partition lived in its silo) reaches the same worker again. An activation
/// anywhere else is refused, so a dead worker is never silently replaced by a fresh one somewhere else.
/// </summary>
[OwnSiloPlacement]
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

/// <summary>Places a grain whose string key is a silo address (<see cref="SiloAddress.ToParsableString"/>) on that silo.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.OwnSiloPlacement")]
public sealed class OwnSiloPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static readonly OwnSiloPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="OwnSiloPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OwnSiloPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public OwnSiloPlacementAttribute()
        : base(OwnSiloPlacement.Instance)
    {
    }
}

/// <summary>
/// Chooses the silo named by the grain's key when membership lists it as active, else the caller's own (where
/// activation is refused). Membership, not the grain-type manifest, decides: a worker silo that has just joined
/// is active before every other silo has received its manifest.
/// </summary>
public sealed class OwnSiloPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string key = target.GrainIdentity.Key.ToString() ?? "";
        SiloAddress? named = null;
        try
        {
            named = SiloAddress.FromParsableString(key);
        }
        catch (FormatException)
        {
            // Not a silo address: no such worker; the local activation refuses.
        }

        bool active = named is not null && membership.CurrentSnapshot.Members.TryGetValue(named, out ClusterMember? member) && member.Status == SiloStatus.Active;
        return Task.FromResult(active ? named! : context.LocalSilo);
    }
}
