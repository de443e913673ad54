using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpRL.Cluster;

/// <summary>One worker as the status page shows it.</summary>
/// <param name="Worker">Machine and process (or silo) of the worker.</param>
/// <param name="FirstEnvIndex">Its first env copy.</param>
/// <param name="Messages">Rollouts (PPO) or unrolls' chunks (IMPALA) received from it.</param>
/// <param name="Steps">Env steps received from it.</param>
/// <param name="StepsPerSecond">Env steps per second of its last rollout or unroll, as it timed it.</param>
/// <param name="Lag">Policy lag: learner version minus the version its last message was made with (0 for synchronous PPO that reported this iteration).</param>
/// <param name="SecondsSinceLast">Seconds since its last message (NaN before the first).</param>
/// <param name="State">"active", "dropped", …</param>
public sealed record WorkerStatusRow(string Worker, int FirstEnvIndex, long Messages, long Steps, double StepsPerSecond, long Lag, double SecondsSinceLast, string State);

/// <summary>The learner's state as the status page shows it.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="EnvId">Env id.</param>
/// <param name="Version">Learner's weights version (iteration or update count).</param>
/// <param name="Timesteps">Env steps trained on so far.</param>
/// <param name="Workers">One row per worker.</param>
public sealed record ClusterStatusSnapshot(string Algorithm, string EnvId, long Version, long Timesteps, IReadOnlyList<WorkerStatusRow> Workers);

/// <summary>
/// Per-worker bookkeeping of the synchronous source (<see cref="ClusterRolloutSource"/>): what each slice's
/// worker last delivered, so the status page can show throughput and lag. Thread-safe.
/// </summary>
public sealed class ClusterStatusBoard
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Entry> _slots = [];

    /// <summary>Records a rollout of slice <paramref name="slot"/>.</summary>
    public void Report(int slot, string worker, int firstEnvIndex, long steps, double collectSeconds, long version)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(slot, out Entry? entry) || entry.Worker != worker)
            {
                entry = new Entry(worker, firstEnvIndex);
                _slots[slot] = entry;
            }

            entry.Messages++;
            entry.Steps += steps;
            entry.StepsPerSecond = collectSeconds > 0 ? steps / collectSeconds : 0;
            entry.Version = version;
            entry.Last = Stopwatch.GetTimestamp();
            entry.State = "active";
        }
    }

    /// <summary>Marks slice <paramref name="slot"/>'s worker as dropped.</summary>
    public void Drop(int slot)
    {
        lock (_gate)
        {
            if (_slots.TryGetValue(slot, out Entry? entry))
            {
                entry.State = "dropped";
            }
        }
    }

    /// <summary>The rows, with the lag measured against <paramref name="learnerVersion"/>.</summary>
    public IReadOnlyList<WorkerStatusRow> Rows(long learnerVersion)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            return [.. _slots.OrderBy(p => p.Key).Select(p => new WorkerStatusRow(
                p.Value.Worker, p.Value.FirstEnvIndex, p.Value.Messages, p.Value.Steps, p.Value.StepsPerSecond,
                Math.Max(0, learnerVersion - p.Value.Version), Stopwatch.GetElapsedTime(p.Value.Last, now).TotalSeconds, p.Value.State))];
        }
    }

    private sealed class Entry(string worker, int firstEnvIndex)
    {
        public string Worker { get; } = worker;

        public int FirstEnvIndex { get; } = firstEnvIndex;

        public long Messages { get; set; }

        public long Steps { get; set; }

        public double StepsPerSecond { get; set; }

        public long Version { get; set; }

        public long Last { get; set; }

        public string State { get; set; } = "active";
    }
}

/// <summary>
/// SharpRL's status page on the learner: <c>http://HOST:PORT/</c> (an HTML table that refreshes every 2 s)
/// and <c>/status.json</c>, listing every worker with its throughput and policy lag. Served by
/// <see cref="HttpListener"/> (no web framework); read-only, no input is interpreted but the path.
/// </summary>
public sealed class ClusterStatusServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<ClusterStatusSnapshot> _snapshot;
    private readonly Thread _thread;

    /// <summary>Starts serving on <paramref name="port"/> (all interfaces when <paramref name="anyHost"/>, else localhost).</summary>
    /// <param name="port">TCP port, 1 to 65535.</param>
    /// <param name="snapshot">Reads the learner's state (called per request, from the server's thread).</param>
    /// <param name="anyHost">Listen on every interface (a cluster's machines) rather than loopback only.</param>
    public ClusterStatusServer(int port, Func<ClusterStatusSnapshot> snapshot, bool anyHost = false)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "The status page's port must be 1 to 65535.");
        }

        _snapshot = snapshot;
        Port = port;
        _listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://{(anyHost ? "+" : "localhost")}:{port}/"));
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new ArgumentException($"The status page cannot listen on port {port}: {e.Message}.", nameof(port), e);
        }

        _thread = new Thread(Serve) { IsBackground = true, Name = "sharprl-status" };
        _thread.Start();
    }

    /// <summary>The port served.</summary>
    public int Port { get; }

    /// <summary>The snapshot as the JSON the page serves at <c>/status.json</c>.</summary>
    public static string ToJson(ClusterStatusSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var workers = new JsonArray();
        foreach (WorkerStatusRow w in snapshot.Workers)
        {
            workers.Add(new JsonObject
            {
                ["worker"] = w.Worker,
                ["first_env"] = w.FirstEnvIndex,
                ["messages"] = w.Messages,
                ["steps"] = w.Steps,
                ["steps_per_second"] = Finite(w.StepsPerSecond),
                ["lag"] = w.Lag,
                ["seconds_since_last"] = Finite(w.SecondsSinceLast),
                ["state"] = w.State,
            });
        }

        var root = new JsonObject
        {
            ["algorithm"] = snapshot.Algorithm,
            ["env"] = snapshot.EnvId,
            ["version"] = snapshot.Version,
            ["timesteps"] = snapshot.Timesteps,
            ["workers"] = workers,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 3)) : null;
    }

    /// <summary>The snapshot as the HTML page served at <c>/</c>.</summary>
    public static string ToHtml(ClusterStatusSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\"><title>SharpRL cluster</title>")
            .Append("<style>body{font-family:sans-serif}td,th{padding:2px 10px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(snapshot.Algorithm)} on {Encode(snapshot.EnvId)}</h1><p>weights version {snapshot.Version}, {snapshot.Timesteps:N0} env steps, {snapshot.Workers.Count} workers</p>");
        html.Append("<table><tr><th>worker</th><th>first copy</th><th>messages</th><th>env steps</th><th>steps/s (last)</th><th>lag</th><th>s since last</th><th>state</th></tr>");
        foreach (WorkerStatusRow w in snapshot.Workers)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(w.Worker)}</td><td>{w.FirstEnvIndex}</td><td>{w.Messages:N0}</td><td>{w.Steps:N0}</td><td>{w.StepsPerSecond:N0}</td><td>{w.Lag}</td><td>{w.SecondsSinceLast:F1}</td><td>{Encode(w.State)}</td></tr>");
        }

        return html.Append("</table><p><a href=\"status.json\">status.json</a></p></body></html>").ToString();
    }

    /// <summary>Stops serving.</summary>
    public void Dispose()
    {
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                string path = context.Request.Url?.AbsolutePath ?? "/";
                (int code, string type, string body) = path switch
                {
                    "/" or "/index.html" => (200, "text/html; charset=utf-8", ToHtml(_snapshot())),
                    "/status.json" => (200, "application/json; charset=utf-8", ToJson(_snapshot())),
                    _ => (404, "text/plain; charset=utf-8", "Not found: the status page serves / and /status.json.\n"),
                };
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = code;
                context.Response.ContentType = type;
                context.Response.ContentLength64 = bytes.Length;
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The client went away, or the snapshot failed mid-run; the page is best effort.
                context.Response.Abort();
            }
        }
    }
}
