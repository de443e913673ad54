using Microsoft.Extensions.Options;
using k8s;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace SharpRL.Cluster.Tests;

/// <summary>
/// Kubernetes hosting (Microsoft.Orleans.Hosting.Kubernetes): what is checked before a silo starts, and what the
/// option puts into the silo. No Kubernetes API server runs here, so the agent's talk with one is not exercised.
/// </summary>
[Collection(KubernetesEnvironmentCollection.Name)]
public class HostingKubernetesTests
{
    private static readonly Dictionary<string, string?> Pod = new()
    {
        [KubernetesPodVariables.PodName] = "sharprl-worker-7f9c-abcde",
        [KubernetesPodVariables.PodNamespace] = "rl",
        [KubernetesPodVariables.PodIp] = "10.244.1.17",
        [KubernetesPodVariables.ServiceHost] = "10.96.0.1",
    };

    [Fact]
    public void Validate_WithoutRedisClustering_IsRefusedPointingToRedis()
    {
        var settings = new SiloSettings { Kubernetes = true, Environment = Lookup(Pod) };
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains("--clustering redis", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POD_NAME")]
    [InlineData("POD_NAMESPACE")]
    [InlineData("POD_IP")]
    public void Validate_WithAPodVariableMissing_NamesIt(string missing)
    {
        var environment = new Dictionary<string, string?>(Pod) { [missing] = null };
        var settings = new SiloSettings { Clustering = ClusteringMode.Redis, Redis = "127.0.0.1:1", Kubernetes = true, Environment = Lookup(environment) };

        // Nothing answers at 127.0.0.1:1: the pod's variables are checked before Redis is dialled.
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("downward API", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutsideAPod_SaysSo()
    {
        var environment = new Dictionary<string, string?>(Pod) { [KubernetesPodVariables.ServiceHost] = null };
        var settings = new SiloSettings { Clustering = ClusteringMode.Redis, Redis = "127.0.0.1:1", Kubernetes = true, Environment = Lookup(environment) };
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains("not in a Kubernetes pod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithAPodIpThatIsNoAddress_IsRefused()
    {
        var environment = new Dictionary<string, string?>(Pod) { [KubernetesPodVariables.PodIp] = "pod-ip" };
        var settings = new SiloSettings { Clustering = ClusteringMode.Redis, Redis = "127.0.0.1:1", Kubernetes = true, Environment = Lookup(environment) };
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains("'pod-ip' is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WithKubernetesHosting_NamesTheSiloAfterThePod_AdvertisesThePodIp_AndRunsTheAgent()
    {
        // The hosting package reads the pod's variables from the process environment.
        foreach ((string name, string? value) in Pod)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            // No API server answers: the agent is built (it dials only once the silo starts).
            var settings = new SiloSettings { Clustering = ClusteringMode.Redis, Redis = "127.0.0.1:6379", Kubernetes = true, KubernetesApi = () => new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" } };
            using IHost host = ClusterHosts.Build(31990, null, settings, worker: null);
            IServiceProvider services = host.Services;
            Assert.Equal(Pod[KubernetesPodVariables.PodName], services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
            Assert.Equal(IPAddress.Parse(Pod[KubernetesPodVariables.PodIp]!), services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
            Assert.True(services.GetRequiredService<IOptions<KubernetesHostingOptions>>().Value.DeleteDefunctSiloPods);
            Assert.Contains(services.GetServices<ILifecycleParticipant<ISiloLifecycle>>(), participant => participant is KubernetesClusterAgent);

            // Without the option none of it is there.
            using IHost plain = ClusterHosts.Build(31992, null, settings with { Kubernetes = false, AdvertiseAddress = IPAddress.Parse("10.0.0.9") }, worker: null);
            Assert.DoesNotContain(plain.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>(), participant => participant is KubernetesClusterAgent);
            Assert.NotEqual(Pod[KubernetesPodVariables.PodName], plain.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        }
        finally
        {
            foreach (string name in Pod.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    private static Func<string, string?> Lookup(Dictionary<string, string?> environment) => name => environment.GetValueOrDefault(name);
}

/// <summary>Tests that set the process's pod variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KubernetesEnvironmentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Kubernetes pod environment";
}
