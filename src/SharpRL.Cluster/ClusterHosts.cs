using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Runtime;
using StackExchange.Redis;

namespace SharpRL.Cluster;

/// <summary>How the silos find each other.</summary>
public enum ClusteringMode
{
    /// <summary>Orleans' development clustering: the learner is the primary silo and holds the membership table; loopback only.</summary>
    Localhost,

    /// <summary>The membership table lives in Redis: silos on any machine, and workers outlive a learner restart.</summary>
    Redis,
}

/// <summary>How a silo joins the cluster: clustering provider, advertised address, TLS.</summary>
public sealed record SiloSettings
{
    /// <summary>Clustering provider (default: localhost development clustering).</summary>
    public ClusteringMode Clustering { get; init; } = ClusteringMode.Localhost;

    /// <summary>The Redis server, <c>host:port</c> (Redis clustering).</summary>
    public string? Redis { get; init; }

    /// <summary>The address other silos reach this one at (Redis clustering; default: see <see cref="Advertised"/>).</summary>
    public IPAddress? AdvertiseAddress { get; init; }

    /// <summary>Cluster id: silos of different ids in one Redis do not see each other.</summary>
    public string ClusterId { get; init; } = ClusterHosts.ClusterId;

    /// <summary>A PKCS#12 (.pfx) certificate: when set, silo-to-silo connections use TLS with it (mutually authenticated).</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>Password of <see cref="TlsCertificate"/> (null: none).</summary>
    public string? TlsPassword { get; init; }

    /// <summary>
    /// Host the silo as a Kubernetes pod (Microsoft.Orleans.Hosting.Kubernetes): the silo is named after its pod,
    /// advertises the pod's IP, a pod that Kubernetes deletes is declared dead at once (not after missed probes),
    /// and the pod of a silo that membership declares dead is deleted so its Deployment starts a fresh one, which
    /// joins mid-run. Needs Redis clustering (the package does hosting, not membership) and the downward-API
    /// variables POD_NAME, POD_NAMESPACE and POD_IP (deploy/k8s sets them).
    /// </summary>
    public bool Kubernetes { get; init; }

    /// <summary>Where <see cref="Validate"/> reads the pod's variables (default: the process environment, where the hosting package reads them too; tests substitute their own).</summary>
    internal Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The Kubernetes API server the hosting agent talks to (null: the pod's in-cluster configuration; tests point it elsewhere).</summary>
    internal Func<k8s.KubernetesClientConfiguration>? KubernetesApi { get; init; }

    /// <summary>
    /// Checks the settings before anything starts: Kubernetes hosting needs Redis clustering and the pod's
    /// variables, a Redis clustering needs a reachable server (checked with one PING), a certificate must load. Throws an <see cref="ArgumentException"/> naming what is wrong.
    /// </summary>
    public void Validate()
    {
        // The pod's variables first: a pod without them gets that message, not a Redis connection error.
        if (Kubernetes)
        {
            ValidateKubernetes();
        }

        if (Clustering == ClusteringMode.Redis)
        {
            if (string.IsNullOrWhiteSpace(Redis))
            {
                throw new ArgumentException("--clustering redis needs --redis HOST:PORT (e.g. --redis 10.0.0.1:6379).");
            }

            ConfigurationOptions options;
            try
            {
                options = ConfigurationOptions.Parse(Redis);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--redis '{Redis}' is not a Redis address: {e.Message} Expected HOST:PORT, e.g. localhost:6379.", e);
            }

            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            try
            {
                using ConnectionMultiplexer connection = ConnectionMultiplexer.Connect(options);
                connection.GetDatabase().Ping();
            }
            catch (Exception e) when (e is RedisException or TimeoutException or SocketException)
            {
                throw new ArgumentException($"--redis '{Redis}': no Redis server answers there ({e.GetType().Name}). Start one (e.g. `redis-server --port 6379`) or fix the address.", e);
            }
        }
        else if (Redis is not null)
        {
            throw new ArgumentException("--redis is only used with --clustering redis.");
        }

        if (TlsCertificate is not null)
        {
            _ = LoadCertificate();
        }
    }

    /// <summary>The pod's IP (POD_IP) under <see cref="Kubernetes"/> hosting; call after <see cref="Validate"/>.</summary>
    public IPAddress PodAddress() => IPAddress.Parse(Environment(KubernetesPodVariables.PodIp) ?? throw new ArgumentException($"--kubernetes: {KubernetesPodVariables.PodIp} is not set."));

    private void ValidateKubernetes()
    {
        if (Clustering != ClusteringMode.Redis)
        {
            throw new ArgumentException("--kubernetes needs --clustering redis --redis HOST:PORT: Kubernetes hosting names and cleans up silos, the membership table itself lives in Redis (see deploy/k8s).");
        }

        string[] missing = [.. KubernetesPodVariables.All.Where(name => string.IsNullOrWhiteSpace(Environment(name)))];
        if (missing.Length > 0)
        {
            throw new ArgumentException($"--kubernetes: {string.Join(", ", missing)} not set; a pod passes them from the downward API (fieldRef metadata.name, metadata.namespace, status.podIP; see deploy/k8s/sharprl-cluster.yaml). Outside Kubernetes, leave --kubernetes off.");
        }

        string podIp = Environment(KubernetesPodVariables.PodIp)!;
        if (!IPAddress.TryParse(podIp, out _))
        {
            throw new ArgumentException($"--kubernetes: {KubernetesPodVariables.PodIp} '{podIp}' is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(Environment(KubernetesPodVariables.ServiceHost)))
        {
            throw new ArgumentException($"--kubernetes: {KubernetesPodVariables.ServiceHost} is not set, so this process is not in a Kubernetes pod (the hosting package talks to the API server from inside the cluster). Outside Kubernetes, leave --kubernetes off.");
        }
    }

    /// <summary>Loads <see cref="TlsCertificate"/>; an <see cref="ArgumentException"/> says why it cannot be used.</summary>
    public X509Certificate2 LoadCertificate()
    {
        if (TlsCertificate is null || !File.Exists(TlsCertificate))
        {
            throw new ArgumentException($"--tls-cert '{TlsCertificate}' does not exist; expected a PKCS#12 (.pfx) file with a private key.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(TlsCertificate, TlsPassword, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"--tls-cert '{TlsCertificate}' cannot be read as PKCS#12 ({e.Message}); a wrong or missing --tls-password?", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"--tls-cert '{TlsCertificate}' holds no private key; a silo needs one to accept TLS connections.");
        }

        return certificate;
    }

    /// <summary>
    /// <see cref="AdvertiseAddress"/>, else the pod's IP under <see cref="Kubernetes"/> hosting, else the first IPv4 address of a network interface that is up and not
    /// loopback (the host name often resolves to 127.0.0.1 only), else loopback.
    /// </summary>
    public IPAddress Advertised() => AdvertiseAddress
        ?? (Kubernetes ? PodAddress() : null)
        ?? NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;
}

/// <summary>The downward-API variables Kubernetes hosting reads (names as Microsoft.Orleans.Hosting.Kubernetes expects them).</summary>
public static class KubernetesPodVariables
{
    /// <summary>The pod's name: the silo's name.</summary>
    public const string PodName = "POD_NAME";

    /// <summary>The pod's namespace: where the hosting agent watches the silos' pods.</summary>
    public const string PodNamespace = "POD_NAMESPACE";

    /// <summary>The pod's IP: the address the silo advertises.</summary>
    public const string PodIp = "POD_IP";

    /// <summary>Set by Kubernetes in every pod: the API server the hosting agent talks to.</summary>
    public const string ServiceHost = "KUBERNETES_SERVICE_HOST";

    /// <summary>The three variables a pod must be given.</summary>
    public static readonly string[] All = [PodName, PodNamespace, PodIp];
}

/// <summary>Starts the learner's silo and worker silos.</summary>
public static class ClusterHosts
{
    /// <summary>Cluster and service id every SharpRL silo uses by default.</summary>
    public const string ClusterId = "sharprl";

    /// <summary>
    /// Starts the learner's silo on <paramref name="siloPort"/> (loopback, development clustering): the primary
    /// silo that workers join with <c>--join HOST:siloPort</c>. The gateway listens on siloPort + 1.
    /// </summary>
    public static Task<IHost> StartLearnerSiloAsync(int siloPort, CancellationToken cancellationToken = default) =>
        StartLearnerSiloAsync(siloPort, new SiloSettings(), cancellationToken);

    /// <summary>Starts the learner's silo on <paramref name="siloPort"/> (gateway siloPort + 1) with <paramref name="settings"/>.</summary>
    public static async Task<IHost> StartLearnerSiloAsync(int siloPort, SiloSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IHost host = Build(siloPort, primary: null, settings, worker: null);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return host;
    }

    /// <summary>
    /// Starts a worker silo on <paramref name="siloPort"/> that joins the learner at <paramref name="learner"/>
    /// (development clustering), hosting <paramref name="worker"/>, and activates its worker grain there.
    /// </summary>
    public static Task<IHost> StartWorkerSiloAsync(IPEndPoint learner, int siloPort, RolloutWorker worker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(learner);
        return StartWorkerSiloAsync(learner, siloPort, worker, new SiloSettings(), cancellationToken);
    }

    /// <summary>
    /// Starts a worker silo on <paramref name="siloPort"/> with <paramref name="settings"/>, hosting
    /// <paramref name="worker"/>; <paramref name="learner"/> is the primary silo under development clustering (null
    /// with Redis clustering, where the membership table is found in Redis).
    /// </summary>
    public static async Task<IHost> StartWorkerSiloAsync(IPEndPoint? learner, int siloPort, RolloutWorker worker, SiloSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Clustering == ClusteringMode.Localhost && learner is null)
        {
            throw new ArgumentException("A worker under localhost clustering needs the learner's address (--join HOST:PORT).", nameof(learner));
        }

        IHost host = Build(siloPort, learner, settings, worker);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);

        // Activate the grain at start-up so a learner's first Join finds it ready (placement: its own silo).
        SiloAddress self = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IRolloutWorkerGrain>(self.ToParsableString()).Hello().ConfigureAwait(false);
        return host;
    }

    /// <summary>The silo's host, built but not started (tests inspect its services).</summary>
    internal static IHost Build(int siloPort, IPEndPoint? primary, SiloSettings settings, RolloutWorker? worker)
    {
        X509Certificate2? certificate = settings.TlsCertificate is null ? null : settings.LoadCertificate();
        return Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddFilter(_ => false))
            .ConfigureServices(services =>
            {
                if (worker is not null)
                {
                    services.AddSingleton(worker);
                }
            })
            .UseOrleans(silo =>
            {
                if (settings.Clustering == ClusteringMode.Redis)
                {
                    string redis = settings.Redis ?? throw new ArgumentException("--clustering redis needs --redis HOST:PORT.");
                    silo.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis))
                        .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (settings.ClusterId, settings.ClusterId))
                        .ConfigureEndpoints(settings.Advertised(), siloPort, siloPort + 1, listenOnAnyHostAddress: true);
                }
                else
                {
                    silo.UseLocalhostClustering(siloPort, siloPort + 1, primary, settings.ClusterId, settings.ClusterId);
                }

                // A killed worker (its process gone, the machine off) is declared dead after three missed
                // probes of 3 s, rather than Orleans' default 3 × 5 s, so its slice is reassigned sooner.
                silo.Configure<ClusterMembershipOptions>(options =>
                {
                    options.ProbeTimeout = TimeSpan.FromSeconds(3);
                    options.NumMissedProbesLimit = 3;
                });
                silo.AddPlacementDirector<OwnSiloPlacement, OwnSiloPlacementDirector>();
                if (settings.Kubernetes)
                {
                    // The package reads the pod's identity from the variables Validate checked. Deleting a dead
                    // silo's pod lets its Deployment start a fresh worker, which joins from the next iteration.
                    silo.UseKubernetesHosting(options => options.Configure(kubernetes =>
                    {
                        kubernetes.DeleteDefunctSiloPods = true;
                        if (settings.KubernetesApi is not null)
                        {
                            kubernetes.GetClientConfiguration = settings.KubernetesApi;
                        }
                    }));
                }

                if (certificate is not null)
                {
                    // Every silo presents the same certificate and accepts only a peer that presents it too:
                    // a self-signed certificate copied to every machine is enough, no CA needed.
                    string thumbprint = certificate.Thumbprint;
                    silo.UseTls(certificate, options =>
                    {
                        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && string.Equals(remote.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase);
                    });
                }
            })
            .Build();
    }

    /// <summary>A one-line description of the silo settings, for logs.</summary>
    public static string Describe(SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Clustering == ClusteringMode.Redis
            ? string.Create(CultureInfo.InvariantCulture, $"Redis clustering at {settings.Redis} (cluster '{settings.ClusterId}'), advertised as {settings.Advertised()}{(settings.Kubernetes ? $", Kubernetes pod {settings.Environment(KubernetesPodVariables.PodName)}" : "")}{(settings.TlsCertificate is null ? "" : ", TLS")}")
            : $"localhost clustering{(settings.TlsCertificate is null ? "" : ", TLS")}";
    }
}
