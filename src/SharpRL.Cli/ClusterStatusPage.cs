using SharpRL.Cluster;

namespace SharpRL.Cli;

/// <summary>The learner's <c>--status-port</c>: SharpRL's status page (<see cref="ClusterStatusServer"/>) with the workers, their throughput and lag.</summary>
internal static class ClusterStatusPage
{
    public static Option<int> Option() => new("--status-port")
    {
        Description = "Serve the status page (workers, their env steps/s and policy lag) on http://localhost:PORT/ and /status.json; 0: off.",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Starts the page when <paramref name="port"/> is not 0, and says where it is.</summary>
    public static IDisposable? Start(int port, Func<ClusterStatusSnapshot> snapshot, TextWriter output)
    {
        if (port == 0)
        {
            return null;
        }

        if (port is < 1 or > 65535)
        {
            throw new CliError($"--status-port {port} is invalid; expected 1 to 65535, or 0 for no status page.");
        }

        var server = new ClusterStatusServer(port, snapshot);
        output.WriteLine($"Status page: http://localhost:{port}/ (JSON: /status.json)");
        return server;
    }
}
