using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpRL.Environments.MuJoCo.Native;

namespace SharpRL.Environments.MuJoCo;

/// <summary>The MuJoCo shared library is missing, of another version, or not a MuJoCo build.</summary>
public sealed class MuJoCoNotFoundException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line saying what was tried and what to install.</param>
    public MuJoCoNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public MuJoCoNotFoundException()
        : base(MuJoCoLibrary.InstallHint)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MuJoCoNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>MuJoCo reported an error (its <c>mju_error</c>) while loading or stepping a model.</summary>
public sealed class MuJoCoException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What MuJoCo reported and during which call.</param>
    public MuJoCoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public MuJoCoException()
        : base("MuJoCo reported an error.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MuJoCoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Finds and checks the native MuJoCo 2.2.2 library the MuJoCo envs run on.
/// </summary>
/// <remarks>
/// <para>
/// Search order: the file (or folder) named by the <c>MUJOCO_LIBRARY_PATH</c> environment variable when it
/// is set (nothing else is tried then), else the versioned <c>libmujoco.so.2.2.2</c> that Debian's
/// <c>libmujoco2.2.2</c> installs (it has no unversioned link without the -dev package), then
/// <c>libmujoco.so</c> (<c>mujoco.dll</c> on Windows, <c>libmujoco.2.2.2.dylib</c> on macOS).
/// </para>
/// <para>
/// Before MuJoCo runs any code, its error and warning hooks (<c>mju_user_error</c>,
/// <c>mju_user_warning</c>, data exports) are pointed at handlers here: MuJoCo's default error handler
/// waits for a key press and calls <c>exit(1)</c>. The error handler only records the message (a managed
/// exception must not unwind through native frames); the binding checks it after each call and throws a
/// <see cref="MuJoCoException"/>. MuJoCo 2.2.2 continues after a returning error handler, so the data of
/// an env that reported an error must not be trusted: reset it. Warnings (e.g. the unstable-simulation
/// warning after which MuJoCo resets the data itself, as it does under Gymnasium) are written to standard
/// error and counted. Then <c>mj_version()</c> must be 222: the struct offsets (generated from the 2.2.2
/// headers by tools/mujoco/gen_layout.c) are valid for that version only.
/// </para>
/// </remarks>
public static unsafe class MuJoCoLibrary
{
    /// <summary>The MuJoCo version the binding is built for.</summary>
    public const string RequiredVersion = "2.2.2";

    /// <summary>Environment variable naming the MuJoCo library file (or its folder).</summary>
    public const string PathVariable = "MUJOCO_LIBRARY_PATH";

    /// <summary>One line saying what to install.</summary>
    public const string InstallHint =
        "MuJoCo 2.2.2 is needed for the MuJoCo envs: install it with `sudo apt-get install -y libmujoco2.2.2` (Debian/Ubuntu), " +
        "or set MUJOCO_LIBRARY_PATH to the library file of an official MuJoCo 2.2.2 build.";

    private static readonly Lock Gate = new();
    private static IntPtr s_handle;
    private static string? s_failure;
    private static string? s_loadedFrom;
    private static long s_warnings;
    private static string? s_lastWarning;

    [ThreadStatic]
    private static string? t_error;

    /// <summary>Whether the library loads and is version 2.2.2 (never throws).</summary>
    public static bool IsAvailable
    {
        get
        {
            try
            {
                EnsureLoaded();
                return true;
            }
            catch (MuJoCoNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>The library file that was loaded, or null before loading (or when it failed).</summary>
    public static string? LoadedFrom => s_loadedFrom;

    /// <summary>Number of MuJoCo warnings reported in this process.</summary>
    public static long WarningCount => Interlocked.Read(ref s_warnings);

    /// <summary>The latest MuJoCo warning, or null.</summary>
    public static string? LastWarning => Volatile.Read(ref s_lastWarning);

    /// <summary>Loads and checks the library once; throws <see cref="MuJoCoNotFoundException"/> (one line) when it is unusable.</summary>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_handle) != IntPtr.Zero)
        {
            return;
        }

        lock (Gate)
        {
            if (s_handle == IntPtr.Zero && s_failure is null)
            {
                s_failure = Load();
            }

            if (s_failure is not null)
            {
                throw new MuJoCoNotFoundException(s_failure);
            }
        }
    }

    /// <summary>Throws the error MuJoCo reported on this thread since the last check, if any.</summary>
    /// <param name="during">The call, for the message (e.g. "mj_step").</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ThrowIfError(string during)
    {
        if (t_error is not null)
        {
            ThrowError(during);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowError(string during)
    {
        string message = t_error!;
        t_error = null;
        throw new MuJoCoException($"MuJoCo error during {during}: {message}");
    }

    private static string? Load()
    {
        string? configured = Environment.GetEnvironmentVariable(PathVariable);
        List<string> candidates = [];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (Directory.Exists(configured))
            {
                candidates.AddRange(DefaultNames().Select(name => Path.Combine(configured, name)));
            }
            else
            {
                candidates.Add(configured);
            }
        }
        else
        {
            candidates.AddRange(DefaultNames());
        }

        IntPtr handle = IntPtr.Zero;
        string? loadedFrom = null;
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                loadedFrom = candidate;
                break;
            }
        }

        string tried = string.Join(", ", candidates);
        if (handle == IntPtr.Zero)
        {
            return configured is null
                ? $"The MuJoCo library was not found (tried {tried}). {InstallHint}"
                : $"{PathVariable}={configured} does not name a loadable MuJoCo library (tried {tried}). {InstallHint}";
        }

        // The hooks first: nothing of MuJoCo may run with its exit()-ing default handlers.
        if (!NativeLibrary.TryGetExport(handle, "mju_user_error", out IntPtr errorHook)
            || !NativeLibrary.TryGetExport(handle, "mju_user_warning", out IntPtr warningHook)
            || !NativeLibrary.TryGetExport(handle, "mj_version", out IntPtr versionFunction))
        {
            return $"{loadedFrom} is not a MuJoCo library (it lacks mju_user_error, mju_user_warning or mj_version). {InstallHint}";
        }

        *(IntPtr*)errorHook = (IntPtr)(delegate* unmanaged[Cdecl]<byte*, void>)&OnError;
        *(IntPtr*)warningHook = (IntPtr)(delegate* unmanaged[Cdecl]<byte*, void>)&OnWarning;

        int version = ((delegate* unmanaged[Cdecl]<int>)versionFunction)();
        if (version != MjLayout.Version)
        {
            string found = string.Create(CultureInfo.InvariantCulture, $"{version / 100}.{version / 10 % 10}.{version % 10}");
            return $"{loadedFrom} is MuJoCo {found}, but SharpRL's MuJoCo envs need exactly {RequiredVersion} (struct layouts differ between versions). {InstallHint}";
        }

        IntPtr resolved = handle;
        NativeLibrary.SetDllImportResolver(typeof(MuJoCoLibrary).Assembly, (name, _, _) => name == MjNative.LibraryName ? resolved : IntPtr.Zero);
        s_loadedFrom = loadedFrom;
        Volatile.Write(ref s_handle, handle);
        return null;
    }

    private static string[] DefaultNames() =>
        OperatingSystem.IsWindows() ? ["mujoco.dll"]
        : OperatingSystem.IsMacOS() ? ["libmujoco.2.2.2.dylib", "libmujoco.dylib"]
        : ["libmujoco.so.2.2.2", "libmujoco.so"];

    // Called by MuJoCo in place of exit(): record only, never throw (no unwinding through native frames).
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* message)
    {
        t_error = Marshal.PtrToStringUTF8((IntPtr)message) ?? "unknown error";
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWarning(byte* message)
    {
        string text = Marshal.PtrToStringUTF8((IntPtr)message) ?? "unknown warning";
        Interlocked.Increment(ref s_warnings);
        Volatile.Write(ref s_lastWarning, text);
#pragma warning disable CA1031 // A callback from native code must not let any exception escape.
        try
        {
            Console.Error.WriteLine($"MuJoCo warning: {text}");
        }
        catch (Exception)
        {
            // Standard error is gone (closed pipe): the warning stays counted.
        }
#pragma warning restore CA1031
    }
}
