using System.Text;
using SharpRL.Environments.MuJoCo.Native;

namespace SharpRL.Environments.MuJoCo.Native;

/// <summary>
/// A compiled mjModel, read through the generated offsets. Models loaded from a file are shared,
/// read-only, by every env made from that file (one model, many mjData is thread-safe in MuJoCo) and
/// live for the process; <see cref="Load"/> caches them by full path.
/// </summary>
internal sealed unsafe class MjModel
{
    private static readonly Dictionary<string, MjModel> Cache = new(StringComparer.Ordinal);
    private static readonly Lock CacheGate = new();

    private MjModel(IntPtr handle, string path)
    {
        Handle = handle;
        Path = path;
        CheckArrays(handle, (byte*)*(IntPtr*)(handle + MjLayout.ModelArray.Buffer), ReadInt(MjLayout.ModelInt.Nbuffer), MjLayout.ModelArrays, "mjModel");
    }

    /// <summary>The native mjModel*.</summary>
    public IntPtr Handle { get; }

    /// <summary>The file it was compiled from.</summary>
    public string Path { get; }

    /// <summary>nq.</summary>
    public int Nq => ReadInt(MjLayout.ModelInt.Nq);

    /// <summary>nv.</summary>
    public int Nv => ReadInt(MjLayout.ModelInt.Nv);

    /// <summary>nu.</summary>
    public int Nu => ReadInt(MjLayout.ModelInt.Nu);

    /// <summary>na.</summary>
    public int Na => ReadInt(MjLayout.ModelInt.Na);

    /// <summary>nbody.</summary>
    public int Nbody => ReadInt(MjLayout.ModelInt.Nbody);

    /// <summary>Number of tendons (ntendon).</summary>
    public int Ntendon => ReadInt(MjLayout.ModelInt.Ntendon);

    /// <summary>nsite.</summary>
    public int Nsite => ReadInt(MjLayout.ModelInt.Nsite);

    /// <summary>opt.timestep.</summary>
    public double Timestep => *(double*)(Handle + MjLayout.ModelOption.Timestep);

    /// <summary>qpos0 (nq).</summary>
    public ReadOnlySpan<double> Qpos0 => new(DoubleArray(MjLayout.ModelArray.Qpos0), Nq);

    /// <summary>body_mass (nbody).</summary>
    public ReadOnlySpan<double> BodyMass => new(DoubleArray(MjLayout.ModelArray.BodyMass), Nbody);

    /// <summary>Number of geoms.</summary>
    public int Ngeom => ReadInt(MjLayout.ModelInt.Ngeom);

    /// <summary>Whether this is a private copy (<see cref="Copy"/>) that its owner may change and must <see cref="Free"/>.</summary>
    public bool IsCopy { get; private init; }

    /// <summary>body_mass, writable (only on a copy).</summary>
    public Span<double> MutableBodyMass => Mutable(MjLayout.ModelArray.BodyMass, Nbody);

    /// <summary>body_inertia (nbody × 3, principal moments), writable (only on a copy).</summary>
    public Span<double> MutableBodyInertia => Mutable(MjLayout.ModelArray.BodyInertia, 3 * Nbody);

    /// <summary>geom_friction (ngeom × 3: sliding, torsional, rolling), writable (only on a copy).</summary>
    public Span<double> MutableGeomFriction => Mutable(MjLayout.ModelArray.GeomFriction, 3 * Ngeom);

    /// <summary>actuator_ctrlrange (nu × 2).</summary>
    public ReadOnlySpan<double> ActuatorControlRange => new(DoubleArray(MjLayout.ModelArray.ActuatorCtrlrange), 2 * Nu);

    /// <summary>Compiles (once per process and full path) the MJCF file at <paramref name="path"/>.</summary>
    /// <param name="path">An existing MJCF file.</param>
    public static MjModel Load(string path)
    {
        MuJoCoLibrary.EnsureLoaded();
        string fullPath = System.IO.Path.GetFullPath(path);
        lock (CacheGate)
        {
            if (Cache.TryGetValue(fullPath, out MjModel? cached))
            {
                return cached;
            }

            if (!File.Exists(fullPath))
            {
                throw new FileNotFoundException($"MuJoCo model file '{fullPath}' does not exist.", fullPath);
            }

            byte[] name = Encoding.UTF8.GetBytes(fullPath + "\0");
            byte* error = stackalloc byte[1000];
            error[0] = 0;
            IntPtr handle;
            fixed (byte* file = name)
            {
                handle = MjNative.LoadXml(file, IntPtr.Zero, error, 1000);
            }

            MuJoCoLibrary.ThrowIfError("mj_loadXML");
            if (handle == IntPtr.Zero)
            {
                string message = new((sbyte*)error);
                throw new InvalidDataException($"MuJoCo could not compile '{fullPath}': {message}");
            }

            var model = new MjModel(handle, fullPath);
            Cache.Add(fullPath, model);
            return model;
        }
    }

    /// <summary>A private copy of this model (mj_copyModel), for an env that changes its parameters (domain randomisation).</summary>
    public MjModel Copy()
    {
        IntPtr handle = MjNative.CopyModel(IntPtr.Zero, Handle);
        MuJoCoLibrary.ThrowIfError("mj_copyModel");
        if (handle == IntPtr.Zero)
        {
            throw new OutOfMemoryException($"mj_copyModel could not copy the model of '{Path}'.");
        }

        return new MjModel(handle, Path) { IsCopy = true };
    }

    /// <summary>Frees a copy made by <see cref="Copy"/> (cached models live for the process).</summary>
    public void Free()
    {
        if (!IsCopy)
        {
            throw new InvalidOperationException($"The shared model of '{Path}' is not freed; only copies are.");
        }

        MjNative.DeleteModel(Handle);
    }

    /// <summary>mj_setConst: recomputes the model's derived constants (subtree masses, inverse weights, ...) after its parameters changed.</summary>
    /// <param name="data">Scratch data of this model (its state is overwritten).</param>
    public void SetConstants(MjData data)
    {
        MjNative.SetConst(Handle, data.Handle);
        MuJoCoLibrary.ThrowIfError("mj_setConst");
    }

    private Span<double> Mutable(int offset, int length) =>
        IsCopy ? new Span<double>(DoubleArray(offset), length) : throw new InvalidOperationException($"The shared model of '{Path}' is read-only; make a copy to change it.");

    /// <summary>The id of a named object, or −1.</summary>
    /// <param name="type">mjtObj, e.g. <see cref="MjNative.ObjectBody"/>.</param>
    /// <param name="name">Object name.</param>
    public int NameToId(int type, string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* text = bytes)
        {
            return MjNative.NameToId(Handle, type, text);
        }
    }

    /// <summary>A body id by name, or an error naming the model.</summary>
    /// <param name="name">Body name.</param>
    public int BodyId(string name)
    {
        int id = NameToId(MjNative.ObjectBody, name);
        return id >= 0 ? id : throw new InvalidDataException($"MuJoCo model '{Path}' has no body named '{name}'.");
    }

    /// <summary>Reads an int field of mjModel.</summary>
    /// <param name="offset">A <see cref="MjLayout.ModelInt"/> offset.</param>
    public int ReadInt(int offset) => *(int*)(Handle + offset);

    /// <summary>An mjtNum array of mjModel.</summary>
    /// <param name="offset">A <see cref="MjLayout.ModelArray"/> offset.</param>
    public double* DoubleArray(int offset) => *(double**)(Handle + offset);

    /// <summary>
    /// Checks that every array of a MuJoCo struct lies inside its buffer (a wrong layout shows up here,
    /// not as memory corruption later).
    /// </summary>
    /// <param name="structure">The mjModel* or mjData*.</param>
    /// <param name="buffer">Its buffer.</param>
    /// <param name="bufferSize">Its nbuffer in bytes.</param>
    /// <param name="fields">Its array fields.</param>
    /// <param name="what">"mjModel" or "mjData", for the message.</param>
    internal void CheckArrays(IntPtr structure, byte* buffer, long bufferSize, MjArrayField[] fields, string what)
    {
        if (buffer == null || bufferSize <= 0)
        {
            throw new InvalidDataException($"{what} has no buffer (nbuffer = {bufferSize}): the MuJoCo library does not match the 2.2.2 layout.");
        }

        foreach (MjArrayField field in fields)
        {
            long rows = ReadInt(field.RowsOffset);
            long columns = field.Columns + (field.ColumnsOffset >= 0 ? (long)field.ColumnsFactor * ReadInt(field.ColumnsOffset) : 0);
            long bytes = rows * columns * field.ElementSize;
            byte* start = *(byte**)(structure + field.Offset);
            if (bytes == 0)
            {
                continue;
            }

            if (rows < 0 || columns < 0 || start < buffer || start + bytes > buffer + bufferSize)
            {
                throw new InvalidDataException(
                    $"{what}.{field.Name} ({rows} x {columns}) lies outside the {what} buffer of {bufferSize} bytes: the MuJoCo library does not match the 2.2.2 layout the binding was generated for.");
            }
        }
    }
}
