using SharpRL.Environments.MuJoCo.Native;

namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// The observation blocks of Humanoid and HumanoidStandup: qpos (without x, y), qvel, cinert, cvel,
/// qfrc_actuator, cfrc_ext. v4 takes every body's rows (the world body's are zeros) and all of
/// qfrc_actuator; v5 drops the world body and the free root's 6 actuator forces, and each block can be
/// left out by an option.
/// </summary>
internal sealed class HumanoidObservation
{
    private HumanoidObservation(bool exclude, bool cinert, bool cvel, bool actuator, bool contact, int skipBodies, int skipDofs)
    {
        ExcludePositions = exclude;
        Cinert = cinert;
        Cvel = cvel;
        Actuator = actuator;
        Contact = contact;
        SkipBodies = skipBodies;
        SkipDofs = skipDofs;
    }

    public bool ExcludePositions { get; }

    public bool Cinert { get; }

    public bool Cvel { get; }

    public bool Actuator { get; }

    public bool Contact { get; }

    public int SkipBodies { get; }

    public int SkipDofs { get; }

    public static HumanoidObservation Read(EnvOptions o, int version, MjModel model)
    {
        _ = model;
        if (version == 4)
        {
            return new HumanoidObservation(o.Bool("exclude_current_positions_from_observation", true), true, true, true, true, 0, 0);
        }

        return new HumanoidObservation(
            o.Bool("exclude_current_positions_from_observation", true),
            o.Bool("include_cinert_in_observation", true),
            o.Bool("include_cvel_in_observation", true),
            o.Bool("include_qfrc_actuator_in_observation", true),
            o.Bool("include_cfrc_ext_in_observation", true),
            1,
            6);
    }

    /// <summary>Gymnasium's <c>mass_center</c>: einsum("b,bj->j", body_mass, xipos) / body_mass.sum(), x and y.</summary>
    public static unsafe (double X, double Y) MassCenter(MjModel model, MjData data)
    {
        ReadOnlySpan<double> mass = model.BodyMass;
        double* xipos = data.Xipos;
        double x = 0;
        double y = 0;
        for (int b = 0; b < mass.Length; b++)
        {
            x += mass[b] * xipos[3 * b];
            y += mass[b] * xipos[(3 * b) + 1];
        }

        double total = NumpyMath.Sum(mass);
        return (x / total, y / total);
    }

    public int Size(int nq, int nv, int nbody)
    {
        // NumPy slices: qpos[2:] and qfrc_actuator[6:] of a model with fewer entries are empty, not an error
        // (Gymnasium runs such an xml_file; the world body is always there, so nbody − 1 ≥ 0).
        int bodies = nbody - SkipBodies;
        int positions = Math.Max(0, nq - (ExcludePositions ? 2 : 0));
        return positions + nv + (Cinert ? 10 * bodies : 0) + (Cvel ? 6 * bodies : 0) + (Actuator ? ActuatorRows(nv) : 0) + (Contact ? 6 * bodies : 0);
    }

    public unsafe void Write(MjData data, int nq, int nv, int nbody, Span<double> observation)
    {
        int k = 0;
        for (int i = ExcludePositions ? 2 : 0; i < nq; i++)
        {
            observation[k++] = data.Qpos[i];
        }

        k = MuJoCoObservations.Copy(data.Qvel, nv, observation, k);
        int bodies = nbody - SkipBodies;
        if (Cinert)
        {
            k = MuJoCoObservations.Copy(data.Cinert + (10 * SkipBodies), 10 * bodies, observation, k);
        }

        if (Cvel)
        {
            k = MuJoCoObservations.Copy(data.Cvel + (6 * SkipBodies), 6 * bodies, observation, k);
        }

        if (Actuator)
        {
            k = MuJoCoObservations.Copy(data.QfrcActuator + SkipDofs, ActuatorRows(nv), observation, k);
        }

        if (Contact)
        {
            MuJoCoObservations.Copy(data.CfrcExt + (6 * SkipBodies), 6 * bodies, observation, k);
        }
    }

    private int ActuatorRows(int nv) => Math.Max(0, nv - SkipDofs);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ExcludePositions},{Cinert},{Cvel},{Actuator},{Contact},{SkipBodies},{SkipDofs}");
}
