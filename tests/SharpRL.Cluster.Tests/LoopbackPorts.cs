namespace SharpRL.Cluster.Tests;

/// <summary>
/// Ports for the in-process loopback clusters: one counter for every test class, so classes that run in
/// parallel never share a port, offset by the process id so two test runs on one machine rarely meet.
/// </summary>
internal static class LoopbackPorts
{
    /// <summary>Ports in a block: the learner's silo and gateway (port, port + 1) and up to four worker silos (port + 2 …).</summary>
    public const int BlockSize = 10;

    private static int _next = 20000 + (Environment.ProcessId % 100 * 400);

    /// <summary>The first port of a fresh block of <see cref="BlockSize"/> ports.</summary>
    public static int NextBlock() => Interlocked.Add(ref _next, BlockSize);
}
