using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharpRL.Cluster.Tests;

/// <summary>TLS between silos (Microsoft.Orleans.Connections.Security) with a self-signed certificate made here.</summary>
public class HostingTlsTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Learn_OverTls_GivesTheOneProcessWeights_AndASiloWithAnotherCertificateCannotJoin()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sharprl-tls-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string shared = WriteSelfSigned(folder, "sharprl-cluster", "secret");
        string foreign = WriteSelfSigned(folder, "intruder", "secret");
        var tls = new SiloSettings { TlsCertificate = shared, TlsPassword = "secret" };
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"), [new("n_envs", "4"), new("n_steps", "32"), new("batch_size", "64"), new("n_epochs", "2")]);
        long budget = 2L * 4 * 32;
        byte[] single;
        using (var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4))
        using (OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 5))
        {
            agent.Learn(budget);
            single = Weights(agent);
        }

        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port, tls);
        var hosts = new List<IHost>();
        IHost? intruder = null;
        Task? intruderStart = null;
        using var give = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            for (int w = 0; w < 2; w++)
            {
                hosts.Add(await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2 + (2 * w), new RolloutWorker(id => Gym.Make(id)), tls));
            }

            // A silo holding another certificate tries to join the whole time.
            intruderStart = Task.Run(async () =>
            {
                intruder = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 6, new RolloutWorker(id => Gym.Make(id)), tls with { TlsCertificate = foreign }, give.Token);
            });

            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4);
            using OnPolicyAlgorithm clustered = AlgorithmRegistry.Create("ppo", env, options, 5);
            clustered.RolloutSource = new ClusterRolloutSource(learner.Services, clustered, "ppo", "CartPole-v1", 2) { JoinTimeout = TimeSpan.FromSeconds(30) };
            clustered.Learn(budget);
            Assert.Equal(single, Weights(clustered));

            await Task.Delay(TimeSpan.FromSeconds(2));
            var membership = learner.Services.GetRequiredService<IClusterMembershipService>();
            Assert.DoesNotContain(membership.CurrentSnapshot.Members.Values, m => m.SiloAddress.Endpoint.Port == port + 6 && m.Status == SiloStatus.Active);
            Assert.Equal(3, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));
            Assert.False(intruderStart.IsCompletedSuccessfully, "the silo with another certificate started as a cluster member");
        }
        finally
        {
            foreach (IHost host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }

            await learner.StopAsync();
            await give.CancelAsync();
            if (intruderStart is not null)
            {
                try
                {
                    await intruderStart.WaitAsync(TimeSpan.FromSeconds(15));
                }
                catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException or InvalidOperationException or SiloUnavailableException)
                {
                    // Expected: it never joined.
                }
            }

            intruder?.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Settings_CertificateWithAWrongPassword_IsRefusedNamingTheFile()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sharprl-tls-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = WriteSelfSigned(folder, "sharprl-cluster", "right");
            ArgumentException error = Assert.Throws<ArgumentException>(() => new SiloSettings { TlsCertificate = path, TlsPassword = "wrong" }.Validate());
            Assert.Contains($"--tls-cert '{path}' cannot be read as PKCS#12", error.Message, StringComparison.Ordinal);
            new SiloSettings { TlsCertificate = path, TlsPassword = "right" }.Validate();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A self-signed certificate for server and client authentication, as a password-protected .pfx.</summary>
    private static string WriteSelfSigned(string folder, string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static byte[] Weights(OnPolicyAlgorithm agent)
    {
        var parameters = new ParameterVector<float>(agent.Policy.Parameters);
        float[] values = new float[parameters.Count];
        parameters.CopyValuesTo(values);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
