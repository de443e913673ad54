using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace SharpRL.Cluster;

/// <summary>Starts the learner's silo and worker silos (Orleans development clustering: the learner is the primary silo).</summary>
public static class ClusterHosts
{
    /// <summary>Cluster and service id every SharpRL silo uses.</summary>
    public const string ClusterId = "sharprl";

    /// <summary>
    /// Starts the learner's silo on <paramref name="siloPort"/> (loopback): the primary silo that workers
    /// join with <c>--join HOST:siloPort</c>. The gateway listens on siloPort + 1.
    /// </summary>
    public static async Task<IHost> StartLearnerSiloAsync(int siloPort, CancellationToken cancellationToken = default)
    {
        IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddFilter(_ => false))
            .UseOrleans(silo => silo.UseLocalhostClustering(siloPort, siloPort + 1, null, ClusterId, ClusterId))
            .Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return host;
    }

    /// <summary>
    /// Starts a worker silo on <paramref name="siloPort"/> that joins the learner at <paramref name="learner"/>,
    /// hosting <paramref name="worker"/>, and activates its worker grain there.
    /// </summary>
    public static async Task<IHost> StartWorkerSiloAsync(IPEndPoint learner, int siloPort, RolloutWorker worker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(worker);
        IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddFilter(_ => false))
            .ConfigureServices(services => services.AddSingleton(worker))
            .UseOrleans(silo => silo.UseLocalhostClustering(siloPort, siloPort + 1, learner, ClusterId, ClusterId))
            .Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);

        // The first call comes from this silo, so PreferLocalPlacement puts the grain here.
        SiloAddress self = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IRolloutWorkerGrain>(self.ToParsableString()).Hello().ConfigureAwait(false);
        return host;
    }
}
