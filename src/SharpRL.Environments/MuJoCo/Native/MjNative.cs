using System.Runtime.InteropServices;

namespace SharpRL.Environments.MuJoCo.Native;

/// <summary>
/// The MuJoCo 2.2.2 C functions the envs call (all blittable). Loading and checking the library is
/// <see cref="MuJoCoLibrary"/>'s job; nothing here may be called before <see cref="MuJoCoLibrary.EnsureLoaded"/>.
/// </summary>
internal static unsafe partial class MjNative
{
    /// <summary>The name the resolver maps to the MuJoCo shared library.</summary>
    public const string LibraryName = "mujoco";

    /// <summary>mjOBJ_BODY of mjtObj.</summary>
    public const int ObjectBody = 1;

    /// <summary>mjOBJ_SITE of mjtObj.</summary>
    public const int ObjectSite = 6;

    /// <summary>mjNWARNING: number of warning kinds in mjData.warning.</summary>
    public const int WarningCount = 8;

    /// <summary>sizeof(mjWarningStat): int lastinfo, int number.</summary>
    public const int WarningStatSize = 8;

    [LibraryImport(LibraryName, EntryPoint = "mj_version")]
    internal static partial int Version();

    [LibraryImport(LibraryName, EntryPoint = "mj_loadXML")]
    internal static partial IntPtr LoadXml(byte* filename, IntPtr vfs, byte* error, int errorSize);

    [LibraryImport(LibraryName, EntryPoint = "mj_copyModel")]
    internal static partial IntPtr CopyModel(IntPtr destination, IntPtr source);

    [LibraryImport(LibraryName, EntryPoint = "mj_deleteModel")]
    internal static partial void DeleteModel(IntPtr model);

    [LibraryImport(LibraryName, EntryPoint = "mj_makeData")]
    internal static partial IntPtr MakeData(IntPtr model);

    [LibraryImport(LibraryName, EntryPoint = "mj_deleteData")]
    internal static partial void DeleteData(IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "mj_resetData")]
    internal static partial void ResetData(IntPtr model, IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "mj_forward")]
    internal static partial void Forward(IntPtr model, IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "mj_step")]
    internal static partial void Step(IntPtr model, IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "mj_rnePostConstraint")]
    internal static partial void RnePostConstraint(IntPtr model, IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "mj_setConst")]
    internal static partial void SetConst(IntPtr model, IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "mj_name2id")]
    internal static partial int NameToId(IntPtr model, int type, byte* name);
}
