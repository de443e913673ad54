using SharpRL.Environments.MuJoCo.Native;

namespace SharpRL.Environments.MuJoCo.Native;

/// <summary>
/// One mjData of a model: the simulation state and the workspace of one env. The array pointers are
/// read once (they never move) and checked to lie inside the data's buffer.
/// </summary>
internal sealed unsafe class MjData : IDisposable
{
    private IntPtr _handle;

    /// <summary>Allocates an mjData for <paramref name="model"/> (mj_makeData).</summary>
    /// <param name="model">The model.</param>
    public MjData(MjModel model)
    {
        Model = model;
        _handle = MjNative.MakeData(model.Handle);
        MuJoCoLibrary.ThrowIfError("mj_makeData");
        if (_handle == IntPtr.Zero)
        {
            throw new OutOfMemoryException($"mj_makeData could not allocate the data of '{model.Path}'.");
        }

        try
        {
            byte* buffer = *(byte**)(_handle + MjLayout.DataScalar.Buffer);
            long size = *(int*)(_handle + MjLayout.DataScalar.Nbuffer);
            model.CheckArrays(_handle, buffer, size, MjLayout.DataArrays, "mjData");

            // 2.2.2 allocates the stack on its own (not inside the buffer): it can only be checked for presence.
            if (*(double**)(_handle + MjLayout.DataScalar.Stack) == null || *(int*)(_handle + MjLayout.DataScalar.Nstack) <= 0)
            {
                throw new InvalidDataException("mjData has no stack: the MuJoCo library does not match the 2.2.2 layout.");
            }
        }
        catch
        {
            MjNative.DeleteData(_handle);
            _handle = IntPtr.Zero;
            throw;
        }

        Qpos = Array(MjLayout.DataArray.Qpos);
        Qvel = Array(MjLayout.DataArray.Qvel);
        Act = Array(MjLayout.DataArray.Act);
        QaccWarmstart = Array(MjLayout.DataArray.QaccWarmstart);
        Ctrl = Array(MjLayout.DataArray.Ctrl);
        Xpos = Array(MjLayout.DataArray.Xpos);
        Xipos = Array(MjLayout.DataArray.Xipos);
        SiteXpos = Array(MjLayout.DataArray.SiteXpos);
        Cinert = Array(MjLayout.DataArray.Cinert);
        Cvel = Array(MjLayout.DataArray.Cvel);
        QfrcActuator = Array(MjLayout.DataArray.QfrcActuator);
        QfrcConstraint = Array(MjLayout.DataArray.QfrcConstraint);
        CfrcExt = Array(MjLayout.DataArray.CfrcExt);
        TenLength = Array(MjLayout.DataArray.TenLength);
        TenVelocity = Array(MjLayout.DataArray.TenVelocity);
        Time = (double*)(_handle + MjLayout.DataScalar.Time);
        Warnings = (int*)(_handle + MjLayout.DataScalar.Warning);
    }

    /// <summary>Releases the native data if <see cref="Dispose"/> was not called.</summary>
    ~MjData()
    {
        Release();
    }

    /// <summary>The model.</summary>
    public MjModel Model { get; }

    /// <summary>The native mjData*.</summary>
    public IntPtr Handle => _handle;

    /// <summary>qpos (nq).</summary>
    public double* Qpos { get; }

    /// <summary>qvel (nv).</summary>
    public double* Qvel { get; }

    /// <summary>act (na).</summary>
    public double* Act { get; }

    /// <summary>qacc_warmstart (nv).</summary>
    public double* QaccWarmstart { get; }

    /// <summary>ctrl (nu).</summary>
    public double* Ctrl { get; }

    /// <summary>xpos (nbody × 3).</summary>
    public double* Xpos { get; }

    /// <summary>xipos (nbody × 3).</summary>
    public double* Xipos { get; }

    /// <summary>site_xpos (nsite × 3).</summary>
    public double* SiteXpos { get; }

    /// <summary>cinert (nbody × 10).</summary>
    public double* Cinert { get; }

    /// <summary>cvel (nbody × 6).</summary>
    public double* Cvel { get; }

    /// <summary>qfrc_actuator (nv).</summary>
    public double* QfrcActuator { get; }

    /// <summary>qfrc_constraint (nv).</summary>
    public double* QfrcConstraint { get; }

    /// <summary>cfrc_ext (nbody × 6).</summary>
    public double* CfrcExt { get; }

    /// <summary>ten_length (ntendon).</summary>
    public double* TenLength { get; }

    /// <summary>ten_velocity (ntendon).</summary>
    public double* TenVelocity { get; }

    /// <summary>time.</summary>
    public double* Time { get; }

    /// <summary>warning[mjNWARNING] as (lastinfo, number) int pairs.</summary>
    public int* Warnings { get; }

    /// <summary>mj_resetData.</summary>
    public void Reset()
    {
        MjNative.ResetData(Model.Handle, _handle);
        MuJoCoLibrary.ThrowIfError("mj_resetData");
    }

    /// <summary>mj_forward.</summary>
    public void Forward()
    {
        MjNative.Forward(Model.Handle, _handle);
        MuJoCoLibrary.ThrowIfError("mj_forward");
    }

    /// <summary><paramref name="count"/> × mj_step, then mj_rnePostConstraint (Gymnasium's <c>_step_mujoco_simulation</c>).</summary>
    /// <param name="count">frame_skip.</param>
    public void StepAndRnePost(int count)
    {
        IntPtr model = Model.Handle;
        IntPtr data = _handle;
        for (int i = 0; i < count; i++)
        {
            MjNative.Step(model, data);
        }

        MjNative.RnePostConstraint(model, data);
        MuJoCoLibrary.ThrowIfError("mj_step");
    }

    /// <summary>Frees the native data.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private double* Array(int offset) => *(double**)(_handle + offset);

    private void Release()
    {
        IntPtr handle = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (handle != IntPtr.Zero)
        {
            MjNative.DeleteData(handle);
        }
    }
}
