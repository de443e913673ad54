using System.Runtime.InteropServices;

namespace SharpRL.Envs.Vector;

/// <summary>
/// Linux thread pinning for <see cref="EnvPool"/>'s optional <c>pinThreads</c>: .NET has no per-thread
/// affinity API (ProcessThread.ProcessorAffinity cannot be set on Linux), so the calling thread's
/// affinity is set with the C library's sched_setaffinity (pid 0 = the calling thread).
/// </summary>
internal static unsafe partial class EnvPoolAffinity
{
    // 1024 CPUs, glibc's cpu_set_t.
    private const int MaskWords = 16;

    /// <summary>The CPUs this process may run on, ascending (from the calling thread's affinity).</summary>
    public static int[] AllowedCpus()
    {
        EnsureSupported();
        ulong* mask = stackalloc ulong[MaskWords];
        if (SchedGetAffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            throw new InvalidOperationException($"sched_getaffinity failed (errno {Marshal.GetLastPInvokeError()}); run without pinThreads.");
        }

        var cpus = new List<int>();
        for (int cpu = 0; cpu < MaskWords * 64; cpu++)
        {
            if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0)
            {
                cpus.Add(cpu);
            }
        }

        return [.. cpus];
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>.</summary>
    public static void PinCurrentThread(int cpu)
    {
        EnsureSupported();
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        mask[cpu / 64] = 1UL << (cpu % 64);
        if (SchedSetAffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity to CPU {cpu} failed (errno {Marshal.GetLastPInvokeError()}); run without pinThreads.");
        }
    }

    private static void EnsureSupported()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("pinThreads is implemented on Linux only (sched_setaffinity); leave it off on this OS.");
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, ulong* mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);
}
