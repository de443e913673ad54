using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace SharpRL.Cluster.Tests;

/// <summary>The learner's status page: per-worker bookkeeping and what the page serves.</summary>
public class DashboardTests
{
    [Fact]
    public void Board_RowsCarryThroughputLagAndState()
    {
        var board = new ClusterStatusBoard();
        board.Report(1, "b", 4, 400, 0.5, 7);
        board.Report(0, "a", 0, 400, 0.25, 9);
        board.Report(0, "a", 0, 400, 0.2, 10);
        board.Drop(1);
        IReadOnlyList<WorkerStatusRow> rows = board.Rows(10);
        Assert.Equal(["a", "b"], rows.Select(r => r.Worker));
        Assert.Equal((2L, 800L, 2000.0, 0L, "active"), (rows[0].Messages, rows[0].Steps, rows[0].StepsPerSecond, rows[0].Lag, rows[0].State));
        Assert.Equal((1L, 400L, 800.0, 3L, "dropped"), (rows[1].Messages, rows[1].Steps, rows[1].StepsPerSecond, rows[1].Lag, rows[1].State));

        // A new worker on the slice starts its own row.
        board.Report(1, "c", 4, 400, 1, 10);
        Assert.Equal(("c", 1L, "active"), (board.Rows(10)[1].Worker, board.Rows(10)[1].Messages, board.Rows(10)[1].State));
    }

    [Fact]
    public async Task StatusPage_OfAClusterRun_ServesTheWorkersAsHtmlAndJson()
    {
        // PPO on CartPole with 2 worker silos for 3 iterations; the page then lists both workers.
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"), [new("n_envs", "4"), new("n_steps", "16"), new("batch_size", "32"), new("n_epochs", "1")]);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker0 = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2, new RolloutWorker(id => Gym.Make(id)));
        using IHost worker1 = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 4, new RolloutWorker(id => Gym.Make(id)));
        try
        {
            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), options.NumEnvs);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 0);
            var source = new ClusterRolloutSource(learner.Services, agent, "ppo", "CartPole-v1", 2) { JoinTimeout = TimeSpan.FromSeconds(30) };
            agent.RolloutSource = source;
            agent.Learn(3 * 4 * 16);

            int httpPort = FreePort();
            using var server = new ClusterStatusServer(httpPort, () => new ClusterStatusSnapshot("ppo", "CartPole-v1", agent.Iterations, agent.NumTimesteps, source.Board.Rows(agent.Iterations)));
            using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{httpPort}/") };
            JsonObject status = JsonNode.Parse(await http.GetStringAsync(new Uri("status.json", UriKind.Relative)))!.AsObject();
            Assert.Equal("ppo", status["algorithm"]!.GetValue<string>());
            Assert.Equal(3, status["version"]!.GetValue<long>());
            Assert.Equal(192, status["timesteps"]!.GetValue<long>());
            JsonArray workers = status["workers"]!.AsArray();
            Assert.Equal(2, workers.Count);
            Assert.Equal([0, 2], workers.Select(w => w!["first_env"]!.GetValue<int>()));
            Assert.All(workers, w =>
            {
                Assert.Equal(3, w!["messages"]!.GetValue<long>());
                Assert.Equal(96, w["steps"]!.GetValue<long>());
                Assert.True(w["steps_per_second"]!.GetValue<double>() > 0);
                Assert.Equal(1, w["lag"]!.GetValue<long>());
                Assert.Equal("active", w["state"]!.GetValue<string>());
            });

            string html = await http.GetStringAsync(new Uri("/", UriKind.Relative));
            Assert.Contains("<h1>ppo on CartPole-v1</h1>", html, StringComparison.Ordinal);
            Assert.Contains(workers[0]!["worker"]!.GetValue<string>(), html, StringComparison.Ordinal);
            Assert.Contains("http-equiv=\"refresh\"", html, StringComparison.Ordinal);

            using HttpResponseMessage missing = await http.GetAsync(new Uri("/other", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            await worker1.StopAsync();
            await worker0.StopAsync();
            await learner.StopAsync();
        }
    }

    [Fact]
    public void Html_EscapesWorkerNames()
    {
        string html = ClusterStatusServer.ToHtml(new ClusterStatusSnapshot("impala", "CartPole-v1", 5, 100, [new WorkerStatusRow("<b>x</b>", 0, 1, 20, 1000, 2, 0.5, "active")]));
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x</b>", html, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
