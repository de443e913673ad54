using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace SharpRL.Cluster;

/// <summary>
/// A grain that lives only on the silo its key names (placed there by <see cref="OwnSiloPlacement"/>) and stays
/// active between runs: an activation anywhere else is refused, so a dead silo's grain is never silently
/// replaced by a fresh one somewhere else, and idling must not deactivate it, as a new activation could only be
/// refused once its silo has gone.
/// </summary>
public abstract class OwnSiloGrain : Grain
{
    private readonly string _what;
    private readonly bool _hostedHere;

    /// <summary>Remembers the silo this activation runs on.</summary>
    /// <param name="silo">This silo.</param>
    /// <param name="what">What the grain is, for the refusal.</param>
    /// <param name="hostedHere">Whether this silo hosts what the grain fronts (a worker silo has a <see cref="RolloutWorker"/>).</param>
    protected OwnSiloGrain(ILocalSiloDetails silo, string what, bool hostedHere)
    {
        ArgumentNullException.ThrowIfNull(silo);
        (Silo, _what, _hostedHere) = (silo, what, hostedHere);
    }

    /// <summary>The silo this activation runs on.</summary>
    protected ILocalSiloDetails Silo { get; }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string key = this.GetPrimaryKeyString();
        if (!_hostedHere || key != Silo.SiloAddress.ToParsableString())
        {
            throw new InvalidOperationException($"{_what} '{key}' cannot be activated on silo {Silo.SiloAddress}: it lives only on the silo its key names (a worker's own silo, which may have left the cluster).");
        }

        DelayDeactivation(TimeSpan.FromDays(3650));
        return base.OnActivateAsync(cancellationToken);
    }
}

/// <summary>
/// The grain face of a silo's <see cref="RolloutWorker"/>, keyed by that silo's address and always placed
/// there (<see cref="OwnSiloPlacement"/>), so that a learner that lost the grain directory's entry (it was
/// restarted, or the directory partition lived in its silo) reaches the same worker again. An activation
/// anywhere else is refused, so a dead worker is never silently replaced by a fresh one somewhere else.
/// </summary>
[OwnSiloPlacement]
public sealed class RolloutWorkerGrain : OwnSiloGrain, IRolloutWorkerGrain
{
    private readonly RolloutWorker? _worker;

    /// <summary>Created by Orleans.</summary>
    public RolloutWorkerGrain(IServiceProvider services, ILocalSiloDetails silo)
        : base(silo, "Rollout worker", services.GetService<RolloutWorker>() is not null) => _worker = services.GetService<RolloutWorker>();

    /// <inheritdoc />
    public Task<string> Hello() => Task.FromResult($"{Environment.MachineName} pid {Environment.ProcessId}, silo {Silo.SiloAddress}");

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
