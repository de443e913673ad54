using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SharpRL.Environments.MuJoCo.Native;

namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Base of the MuJoCo envs: Gymnasium's <c>MujocoEnv</c> on the native MuJoCo 2.2.2 library.
/// </summary>
/// <remarks>
/// <para>
/// Same calls in the same order as Gymnasium: <c>reset</c> = <c>mj_resetData</c>, then the env's noise
/// is drawn from <see cref="NpRandom"/> (NumPy's generator, bit for bit) and written by
/// <c>set_state</c> (qpos, qvel, <c>mj_forward</c>); <c>step</c> copies the float32 action into the
/// float64 <c>ctrl</c> (never clipped: MuJoCo clamps it to the control range inside the physics, and the
/// control cost uses the unclipped action), runs <c>mj_step</c> frame_skip times and then
/// <c>mj_rnePostConstraint</c> (which fills <c>cfrc_ext</c>). dt = timestep · frame_skip. Reward terms
/// round as under NumPy 2: a float32 action's <c>np.sum(np.square(a))</c> is a float32 pairwise sum,
/// scaled in float32.
/// </para>
/// <para>
/// Observations are computed in float64 (<see cref="Observation64"/>, what Gymnasium returns) and
/// handed out as float32, SharpRL's observation type. Like Gymnasium's, actions outside the action box
/// are accepted; non-finite actions and actions of the wrong length are refused.
/// </para>
/// <para>
/// Snapshots (<see cref="IStatefulEnv"/>) hold the generator, episode flags, settings, and the simulator
/// state: qpos, qvel, act, ctrl, qacc_warmstart (the solver's warm start carries over between steps),
/// time, and the body positions xpos and xipos that the next step reads before stepping (they are those
/// of the last internal forward pass, not recomputed from qpos).
/// </para>
/// </remarks>
public abstract unsafe class MuJoCoEnv : IEnv, IStatefulEnv, IStepInfoEnv
{
    private MjModel _model;
    private MjData _data;
    private bool _disposed;
    private readonly Box _actionSpace;
    private readonly string[] _infoKeys;
    private readonly double[] _info;
    private readonly double[] _qposScratch;
    private readonly double[] _qvelScratch;
    private double[] _observation = [];
    private Box? _observationSpace;
    private readonly EpisodeLifecycle _lifecycle = new();

    // Domain randomisation (null when off): the settings, the model's original parameters, the factors of
    // the current episode and their generator.
    private DomainRandomization? _randomization;
    private double[] _baseBodyMass = [], _baseBodyInertia = [], _baseGeomFriction = [];
    private double[] _massFactors = [], _frictionFactors = [];
    private NumpyGenerator? _randomizationRandom;

    /// <summary>
    /// Reads what every versioned env shares (the id, v5's <c>xml_file</c> and <c>frame_skip</c>), loads the model
    /// and allocates this env's data. The derived constructor then reads its own options from <see cref="Options"/>
    /// and calls <see cref="EnvOptions.EnsureAllUsed"/>.
    /// </summary>
    /// <param name="versions">The env's name, model file, frame skip and info keys per version.</param>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments, or null.</param>
    private protected MuJoCoEnv(MuJoCoVersions versions, int version, IReadOnlyDictionary<string, object>? options)
        : this(versions, version, new EnvOptions($"{versions.Name}-v{version}", options))
    {
    }

    // The model file (xml_file) is a name among the shipped models, or a path starting with "." or "/"; the model
    // is shared with other envs of the same file.
    private MuJoCoEnv(MuJoCoVersions versions, int version, EnvOptions options)
    {
        Id = versions.Id(version);
        string xmlFile = versions.ReadXmlFile(options, version);
        int frameSkip = versions.ReadFrameSkip(options, version);
        string[] infoKeys = versions.Keys(version);
        Version = version;
        Options = options;
        _model = MjModel.Load(MuJoCoModels.Resolve(xmlFile));
        _data = new MjData(_model);
        FrameSkip = frameSkip;
        Nq = _model.Nq;
        Nv = _model.Nv;
        Nu = _model.Nu;
        Dt = _model.Timestep * frameSkip;

        // Gymnasium's init_qpos/init_qvel: the data right after mj_makeData (qpos0, zeros).
        InitQpos = new ReadOnlySpan<double>(_data.Qpos, Nq).ToArray();
        InitQvel = new ReadOnlySpan<double>(_data.Qvel, Nv).ToArray();
        _qposScratch = new double[Nq];
        _qvelScratch = new double[Nv];
        _infoKeys = infoKeys;
        _info = new double[infoKeys.Length];
        _info.AsSpan().Fill(double.NaN);

        ReadOnlySpan<double> range = _model.ActuatorControlRange;
        float[] low = new float[Nu];
        float[] high = new float[Nu];
        for (int i = 0; i < Nu; i++)
        {
            low[i] = (float)range[2 * i];
            high[i] = (float)range[(2 * i) + 1];
        }

        _actionSpace = new Box(low, high);
    }

    /// <summary>The env id this instance implements, e.g. "Hopper-v4".</summary>
    public string Id { get; }

    /// <summary>mj_step calls per env step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seconds per env step: opt.timestep · frame_skip.</summary>
    public double Dt { get; }

    /// <summary>Box(−inf, inf) of the observation size.</summary>
    public Space ObservationSpace => _observationSpace ?? throw new InvalidOperationException($"{Id}: the observation size was not set.");

    /// <summary>Box of the actuators' control ranges (float32), as Gymnasium's.</summary>
    public Space ActionSpace => _actionSpace;

    /// <summary>Always null: registration facts are attached by the registry's wrappers.</summary>
    public EnvSpec? Spec => null;

    /// <summary>The env's generator (Gymnasium's <c>np_random</c>); seeded from OS entropy on first use without a seed.</summary>
    public NumpyGenerator NpRandom => _lifecycle.NpRandom;

    /// <summary>Whether the episode is over (or never started).</summary>
    public bool NeedsReset => _lifecycle.NeedsReset;

    /// <summary>The latest observation in float64 (what Gymnasium returns).</summary>
    public ReadOnlySpan<double> Observation64 => _observation;

    /// <summary>Current qpos.</summary>
    public ReadOnlySpan<double> Qpos => new(LiveData.Qpos, Nq);

    /// <summary>Current qvel.</summary>
    public ReadOnlySpan<double> Qvel => new(LiveData.Qvel, Nv);

    /// <summary>Current act (empty for these models).</summary>
    public ReadOnlySpan<double> Act => new(LiveData.Act, _model.Na);

    /// <summary>The solver's warm start for the next step (qacc_warmstart).</summary>
    public ReadOnlySpan<double> QaccWarmstart => new(LiveData.QaccWarmstart, Nv);

    /// <summary>Simulation time.</summary>
    public double Time => *LiveData.Time;

    /// <summary>The actuators' control ranges (actuator_ctrlrange, nu × 2, float64).</summary>
    public ReadOnlySpan<double> ControlRange => LiveModel.ActuatorControlRange;

    /// <summary>Full path of the model file.</summary>
    public string ModelPath => _model.Path;

    /// <inheritdoc />
    public IReadOnlyList<string> InfoKeys => _infoKeys;

    /// <summary>
    /// Gymnasium's array-valued info entries of the last Reset or Step, which the scalar info channel
    /// (<see cref="IStepInfoEnv"/>) does not carry: Humanoid-v5's and HumanoidStandup-v5's <c>tendon_length</c> and
    /// <c>tendon_velocity</c> (data.ten_length, data.ten_velocity); empty for the other envs. Copies, for printing
    /// and comparison (<c>sharprl envs play</c>), not for a hot loop.
    /// </summary>
    public virtual IReadOnlyList<KeyValuePair<string, double[]>> ArrayInfo() => [];

    /// <summary>data.ten_length and data.ten_velocity as Gymnasium's v5 humanoids report them.</summary>
    private protected IReadOnlyList<KeyValuePair<string, double[]>> TendonInfo()
    {
        int n = LiveModel.Ntendon;
        return [new("tendon_length", new ReadOnlySpan<double>(LiveData.TenLength, n).ToArray()), new("tendon_velocity", new ReadOnlySpan<double>(LiveData.TenVelocity, n).ToArray())];
    }

    /// <summary>The model in snapshots' settings: a shipped model's file name (so a checkpoint loads wherever SharpRL is installed), else its full path.</summary>
    private protected string ModelName =>
        string.Equals(Path.GetDirectoryName(_model.Path), Path.GetFullPath(MuJoCoModels.Directory), StringComparison.Ordinal) ? Path.GetFileName(_model.Path) : _model.Path;

    /// <summary>The qpos the last reset handed to set_state (before mj_forward normalised its quaternions).</summary>
    internal ReadOnlySpan<double> ResetQpos => _qposScratch;

    /// <summary>The qvel the last reset handed to set_state.</summary>
    internal ReadOnlySpan<double> ResetQvel => _qvelScratch;

    /// <summary>Number of generalized coordinates.</summary>
    private protected int Nq { get; }

    /// <summary>Number of degrees of freedom.</summary>
    private protected int Nv { get; }

    /// <summary>Number of actuators.</summary>
    private protected int Nu { get; }

    /// <summary>Gymnasium's init_qpos (the model's qpos0).</summary>
    private protected double[] InitQpos { get; }

    /// <summary>Gymnasium's init_qvel (zeros).</summary>
    private protected double[] InitQvel { get; }

    /// <summary>The native data.</summary>
    private protected MjData Data => _data;

    // The native data and model for the public entry points: after Dispose they are freed (a copied model) or no
    // longer this env's, and reading them would touch freed memory, so the call is refused instead.
    private MjData LiveData
    {
        get
        {
            ThrowIfDisposed();
            return _data;
        }
    }

    private MjModel LiveModel
    {
        get
        {
            ThrowIfDisposed();
            return _model;
        }
    }

    /// <summary>
    /// Refuses a model (an <c>xml_file</c> option) smaller than what the env reads at fixed indices, naming what it
    /// reads: MuJoCo's arrays would be read past their end, silently, where Gymnasium raises an IndexError.
    /// </summary>
    private protected void RequireModelSize(int qpos, int qvel, string reads, int sites = 0)
    {
        if (Nq < qpos || Nv < qvel || _model.Nsite < sites)
        {
            string siteText = sites > 0 ? string.Create(CultureInfo.InvariantCulture, $", nsite = {_model.Nsite}") : "";
            string needs = string.Join(", ", new[] { ("nq", qpos), ("nv", qvel), ("nsite", sites) }.Where(n => n.Item2 > 0).Select(n => string.Create(CultureInfo.InvariantCulture, $"{n.Item1} ≥ {n.Item2}")));
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{Id}: MuJoCo model '{_model.Path}' has nq = {Nq}, nv = {Nv}{siteText}; this env reads {reads}, so it needs {needs}."));
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(Id, $"{Id} was disposed (its simulator memory is freed); make a new env.");
        }
    }

    /// <summary>The native model.</summary>
    private protected MjModel Model => _model;

    /// <summary>Settings that must match for a snapshot to load (constructor options, canonical text).</summary>
    private protected string Settings { get; set; } = string.Empty;

    /// <summary>Gymnasium's version of the env: 4 or 5.</summary>
    private protected int Version { get; }

    /// <summary>The constructor options, read by the derived constructors.</summary>
    private protected EnvOptions Options { get; }

    /// <summary>The noise of the default <see cref="ResetModel"/>: Gymnasium's <c>reset_noise_scale</c>.</summary>
    private protected double ResetNoiseScale { get; set; }

    /// <summary>Whether the default <see cref="ResetModel"/> draws the velocities from scale·N(0, 1) instead of U(±scale).</summary>
    private protected bool NormalVelocityNoise { get; set; }

    /// <summary>The domain randomisation in effect, or null.</summary>
    public DomainRandomization? Randomization => _randomization;

    /// <summary>This episode's per-body mass factors (empty without randomisation).</summary>
    public ReadOnlySpan<double> MassFactors => _massFactors;

    /// <summary>This episode's per-geom sliding-friction factors (empty without randomisation).</summary>
    public ReadOnlySpan<double> FrictionFactors => _frictionFactors;

    /// <summary>The model's body masses now (randomised ones when randomisation is on).</summary>
    public ReadOnlySpan<double> BodyMass => LiveModel.BodyMass;

    /// <summary>
    /// Turns on per-episode randomisation of masses and friction (see <see cref="DomainRandomization"/>): the
    /// env takes a private copy of its model. Call before the first reset.
    /// </summary>
    /// <param name="randomization">Ranges of the factors.</param>
    public void EnableDomainRandomization(DomainRandomization randomization)
    {
        ArgumentNullException.ThrowIfNull(randomization);
        ThrowIfDisposed();
        if (_lifecycle.HasReset || _randomization is not null)
        {
            throw new InvalidOperationException($"{Id}: domain randomisation is set once, before the first reset.");
        }

        MjModel copy = _model.Copy();
        MjData data;
        try
        {
            data = new MjData(copy);
        }
        catch
        {
            copy.Free();
            throw;
        }

        _data.Dispose();
        _model = copy;
        _data = data;
        _randomization = randomization;
        _baseBodyMass = copy.BodyMass.ToArray();
        _baseBodyInertia = copy.MutableBodyInertia.ToArray();
        _baseGeomFriction = copy.MutableGeomFriction.ToArray();
        _massFactors = new double[copy.Nbody];
        _frictionFactors = new double[copy.Ngeom];
        _massFactors.AsSpan().Fill(1);
        _frictionFactors.AsSpan().Fill(1);
        Settings += $"; domain_randomization: {randomization}";
    }

    /// <inheritdoc />
    public void GetInfo(Span<double> values)
    {
        if (values.Length != _info.Length)
        {
            throw new ArgumentException($"{Id} reports {_info.Length} info values, got a buffer of {values.Length}.", nameof(values));
        }

        _info.CopyTo(values);
    }

    /// <inheritdoc />
    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        ThrowIfDisposed();
        CheckObservationLength(observation.Length);
        _lifecycle.Seed(seed);
        if (seed is { } s && _randomization is not null)
        {
            _randomizationRandom = new NumpyGenerator(new SeedSequence(((System.Numerics.BigInteger)s << 32) + DomainRandomization.StreamEntropy));
        }

        if (_randomization is not null)
        {
            DrawPhysicalParameters();
        }

        _data.Reset();
        ResetModel(NpRandom, _qposScratch, _qvelScratch);
        SetStateCore(_qposScratch, _qvelScratch);
        _info.AsSpan().Fill(double.NaN);
        WriteResetInfo(_info);
        WriteObservation(_observation);
        CopyObservation(observation);
        _lifecycle.MarkStarted();
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_disposed || _lifecycle.NeedsReset || observation.Length != _observation.Length || action.Length != Nu)
        {
            ThrowCannotStep(observation.Length, action.Length);
        }

        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
            {
                ThrowNonFinite(i, action[i]);
            }
        }

        double reward = StepModel(action, _info, out bool terminated);
        WriteObservation(_observation);
        CopyObservation(observation);
        if (terminated)
        {
            _lifecycle.MarkTerminated();
        }

        return new StepResult(reward, terminated, Truncated: false);
    }

    /// <summary>
    /// Gymnasium's <c>set_state</c>: writes qpos and qvel, then mj_forward; recomputes the observation and
    /// allows stepping from there.
    /// </summary>
    /// <param name="qpos">nq values.</param>
    /// <param name="qvel">nv values.</param>
    public void SetState(ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel)
    {
        ThrowIfDisposed();
        if (qpos.Length != Nq || qvel.Length != Nv)
        {
            throw new ArgumentException($"{Id} needs qpos of {Nq} and qvel of {Nv} values, got {qpos.Length} and {qvel.Length}.");
        }

        SetStateCore(qpos, qvel);
        WriteObservation(_observation);
        _lifecycle.MarkStarted();
    }

    /// <summary>The float32 observation of the current state (what the last Reset/Step wrote).</summary>
    /// <param name="observation">Destination of the observation size.</param>
    public void GetObservation(Span<float> observation)
    {
        CheckObservationLength(observation.Length);
        CopyObservation(observation);
    }

    /// <inheritdoc />
    public JsonNode SaveState()
    {
        ThrowIfDisposed();
        JsonObject state = EnvState.Create(this);
        state["id"] = Id;
        state["settings"] = Settings;
        state["frame_skip"] = FrameSkip;
        _lifecycle.Save(state);
        state["qpos"] = EnvState.Numbers(Qpos);
        state["qvel"] = EnvState.Numbers(Qvel);
        state["act"] = EnvState.Numbers(Act);
        state["ctrl"] = EnvState.Numbers(new ReadOnlySpan<double>(_data.Ctrl, Nu));
        state["qacc_warmstart"] = EnvState.Numbers(QaccWarmstart);
        state["time"] = EnvState.Number(Time);
        state["xpos"] = EnvState.Numbers(new ReadOnlySpan<double>(_data.Xpos, 3 * _model.Nbody));
        state["xipos"] = EnvState.Numbers(new ReadOnlySpan<double>(_data.Xipos, 3 * _model.Nbody));
        state["observation"] = EnvState.Numbers(_observation);
        state["info"] = EnvState.Numbers(_info);
        if (_randomization is not null)
        {
            state["randomization_random"] = EnvState.Generator(_randomizationRandom);
            state["mass_factors"] = EnvState.Numbers(_massFactors);
            state["friction_factors"] = EnvState.Numbers(_frictionFactors);
        }

        return state;
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ThrowIfDisposed();
        JsonObject snapshot = EnvState.Open(state, this);
        string id = snapshot["id"] is JsonValue idValue && idValue.TryGetValue(out string? text) ? text : "(none)";
        string settings = snapshot["settings"] is JsonValue settingsValue && settingsValue.TryGetValue(out string? s) ? s : "(none)";
        if (id != Id || settings != Settings)
        {
            throw new ArgumentException(
                $"The state was saved from {id} with settings [{settings}], but this env is {Id} with settings [{Settings}]; build the env exactly as the one that was saved.",
                nameof(state));
        }

        EnvState.RequireSetting(snapshot, "frame_skip", (long)FrameSkip);
        EpisodeLifecycle.Snapshot lifecycle = _lifecycle.Read(snapshot);
        double[] qpos = EnvState.ReadDoubles(snapshot, "qpos", Nq);
        double[] qvel = EnvState.ReadDoubles(snapshot, "qvel", Nv);
        double[] act = EnvState.ReadDoubles(snapshot, "act", _model.Na);
        double[] ctrl = EnvState.ReadDoubles(snapshot, "ctrl", Nu);
        double[] warmstart = EnvState.ReadDoubles(snapshot, "qacc_warmstart", Nv);
        double time = EnvState.ReadDouble(snapshot, "time");
        double[] xpos = EnvState.ReadDoubles(snapshot, "xpos", 3 * _model.Nbody);
        double[] xipos = EnvState.ReadDoubles(snapshot, "xipos", 3 * _model.Nbody);
        double[] observation = EnvState.ReadDoubles(snapshot, "observation", _observation.Length);
        double[] info = EnvState.ReadDoubles(snapshot, "info", _info.Length);
        NumpyGenerator? randomizationRandom = null;
        double[] massFactors = [], frictionFactors = [];
        if (_randomization is not null)
        {
            randomizationRandom = EnvState.ReadGenerator(snapshot, "randomization_random");
            massFactors = EnvState.ReadDoubles(snapshot, "mass_factors", _massFactors.Length);
            frictionFactors = EnvState.ReadDoubles(snapshot, "friction_factors", _frictionFactors.Length);
        }

        // Everything is read and checked: overwrite. The drawn parameters first: mj_setConst scribbles on the data.
        if (_randomization is not null)
        {
            _randomizationRandom = randomizationRandom;
            massFactors.CopyTo(_massFactors, 0);
            frictionFactors.CopyTo(_frictionFactors, 0);
            ApplyPhysicalParameters();
        }

        qpos.CopyTo(new Span<double>(_data.Qpos, Nq));
        qvel.CopyTo(new Span<double>(_data.Qvel, Nv));
        act.CopyTo(new Span<double>(_data.Act, _model.Na));
        ctrl.CopyTo(new Span<double>(_data.Ctrl, Nu));
        warmstart.CopyTo(new Span<double>(_data.QaccWarmstart, Nv));
        *_data.Time = time;
        xpos.CopyTo(new Span<double>(_data.Xpos, xpos.Length));
        xipos.CopyTo(new Span<double>(_data.Xipos, xipos.Length));
        observation.CopyTo(_observation, 0);
        info.CopyTo(_info, 0);
        _lifecycle.Restore(lifecycle);
    }

    /// <summary>Frees the native data.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>e.g. "Hopper-v4".</summary>
    public override string ToString() => Id;

    /// <summary>Frees the native data.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _data.Dispose();
            if (_model.IsCopy)
            {
                _model.Free();
            }
        }
    }

    // One episode's factors, drawn in place: k_b ~ U(mass range) for each body but the world, f_g ~ U(friction range) per geom.
    private void DrawPhysicalParameters()
    {
        NumpyGenerator random = _randomizationRandom ??= new NumpyGenerator(SeedSequence.FromOsEntropy());
        DomainRandomization settings = _randomization!;
        _massFactors[0] = 1;
        for (int b = 1; b < _massFactors.Length; b++)
        {
            _massFactors[b] = random.Uniform(settings.MassScale.Low, settings.MassScale.High);
        }

        for (int g = 0; g < _frictionFactors.Length; g++)
        {
            _frictionFactors[g] = random.Uniform(settings.FrictionScale.Low, settings.FrictionScale.High);
        }

        ApplyPhysicalParameters();
    }

    // m_b = k_b m⁰_b, I_b = k_b I⁰_b (a uniformly denser body), μ_g = f_g μ⁰_g (sliding friction), from the current
    // factors; then the derived constants (subtree masses, inverse weights) from mj_setConst.
    private void ApplyPhysicalParameters()
    {
        Span<double> mass = _model.MutableBodyMass, inertia = _model.MutableBodyInertia, friction = _model.MutableGeomFriction;
        for (int b = 0; b < mass.Length; b++)
        {
            mass[b] = _massFactors[b] * _baseBodyMass[b];
            for (int j = 0; j < 3; j++)
            {
                inertia[(3 * b) + j] = _massFactors[b] * _baseBodyInertia[(3 * b) + j];
            }
        }

        for (int g = 0; g < _frictionFactors.Length; g++)
        {
            friction[3 * g] = _frictionFactors[g] * _baseGeomFriction[3 * g];
        }

        _model.SetConstants(_data);
    }

    /// <summary>A v5 option that v4 fixes: in v5 read with <paramref name="v4Value"/> as its default, in v4 <paramref name="v4Value"/>.</summary>
    /// <param name="key">Gymnasium's name of the option.</param>
    /// <param name="v4Value">v4's fixed value, v5's default.</param>
    private protected double V5Double(string key, double v4Value) => Version == 5 ? Options.Double(key, v4Value) : v4Value;

    /// <summary>Sets the observation size (once, from the derived constructor).</summary>
    /// <param name="size">Number of observation values.</param>
    private protected void SetObservationSize(int size)
    {
        _observation = new double[size];
        _observationSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, size);
    }

    /// <summary>Gymnasium's <c>reset_model</c> noise: fills the qpos and qvel that <see cref="SetState"/> then writes.</summary>
    /// <param name="random">The env's generator.</param>
    /// <param name="qpos">Receives nq values.</param>
    /// <param name="qvel">Receives nv values.</param>
    /// <remarks>By default Gymnasium's most common one: qpos0 + U(±scale) and qvel U(±scale) or scale·N(0, 1)
    /// (<see cref="ResetNoiseScale"/>, <see cref="NormalVelocityNoise"/>).</remarks>
    private protected virtual void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, InitQpos, ResetNoiseScale, qpos);
        if (NormalVelocityNoise)
        {
            AddNormal(random, InitQvel, ResetNoiseScale, qvel);
        }
        else
        {
            AddUniform(random, InitQvel, ResetNoiseScale, qvel);
        }
    }

    /// <summary>Gymnasium's <c>_get_obs</c>.</summary>
    /// <param name="observation">Receives the float64 observation.</param>
    private protected abstract void WriteObservation(Span<double> observation);

    /// <summary>Gymnasium's <c>step</c> body: simulate (<see cref="DoSimulation"/>), compute reward and info.</summary>
    /// <param name="action">The action (length nu, finite).</param>
    /// <param name="info">Receives the values of <see cref="InfoKeys"/>.</param>
    /// <param name="terminated">Whether the episode terminated.</param>
    /// <returns>The reward.</returns>
    private protected abstract double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated);

    /// <summary>Gymnasium's <c>_get_reset_info</c> (nothing by default: the info keys stay NaN).</summary>
    /// <param name="info">Receives the values of <see cref="InfoKeys"/> it reports.</param>
    private protected virtual void WriteResetInfo(Span<double> info)
    {
    }

    /// <summary>ctrl = action (float32 → float64), frame_skip × mj_step, mj_rnePostConstraint.</summary>
    /// <param name="action">The action.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void DoSimulation(ReadOnlySpan<float> action)
    {
        double* ctrl = _data.Ctrl;
        for (int i = 0; i < action.Length; i++)
        {
            ctrl[i] = action[i];
        }

        _data.StepAndRnePost(FrameSkip);
    }

    /// <summary>Gymnasium's <c>uniform(low, high, size=n)</c> added to a base vector.</summary>
    /// <param name="random">Generator.</param>
    /// <param name="baseline">init_qpos or init_qvel.</param>
    /// <param name="scale">Half-width a of U(−a, a).</param>
    /// <param name="destination">Receives baseline + noise.</param>
    private protected static void AddUniform(NumpyGenerator random, ReadOnlySpan<double> baseline, double scale, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = baseline[i] + random.Uniform(-scale, scale);
        }
    }

    /// <summary>Gymnasium's <c>init + scale * standard_normal(n)</c>.</summary>
    /// <param name="random">Generator.</param>
    /// <param name="baseline">init_qvel.</param>
    /// <param name="scale">Scale of the normal draws.</param>
    /// <param name="destination">Receives baseline + scale · N.</param>
    private protected static void AddNormal(NumpyGenerator random, ReadOnlySpan<double> baseline, double scale, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = baseline[i] + (scale * random.StandardNormal());
        }
    }

    /// <summary>
    /// Gymnasium's <c>x_position</c>, <c>y_position</c>, <c>distance_from_origin</c> = √(x² + y²),
    /// <c>x_velocity</c>, <c>y_velocity</c> into <c>info[0..5]</c> (the locomotion envs' shared info block).
    /// </summary>
    private protected static void WriteMotion(Span<double> info, double x, double y, double xVelocity, double yVelocity)
    {
        info[0] = x;
        info[1] = y;
        info[2] = Math.Sqrt((x * x) + (y * y));
        info[3] = xVelocity;
        info[4] = yVelocity;
    }

    /// <summary>The reset info of the v5 locomotion envs: the root's x, y (qpos[0], qpos[1]) and distance from the origin.</summary>
    private protected unsafe void WriteRootPosition(Span<double> info)
    {
        double x = Data.Qpos[0];
        double y = Data.Qpos[1];
        info[0] = x;
        info[1] = y;
        info[2] = Math.Sqrt((x * x) + (y * y));
    }

    /// <summary>NumPy's clip.</summary>
    /// <param name="value">Value.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected static double Clip(double value, double low, double high) => value < low ? low : value > high ? high : value;

    /// <summary>A canonical text of settings for <see cref="Settings"/>.</summary>
    /// <param name="values">Name/value pairs.</param>
    private protected static string Describe(params (string Name, object Value)[] values) =>
        string.Join(";", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Name}={FormatSetting(v.Value)}")));

    private static string FormatSetting(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        (double a, double b) => string.Create(CultureInfo.InvariantCulture, $"({a:R},{b:R})"),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private void SetStateCore(ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel)
    {
        qpos.CopyTo(new Span<double>(_data.Qpos, Nq));
        qvel.CopyTo(new Span<double>(_data.Qvel, Nv));
        _data.Forward();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CopyObservation(Span<float> observation)
    {
        double[] source = _observation;
        for (int i = 0; i < source.Length; i++)
        {
            observation[i] = (float)source[i];
        }
    }

    private void CheckObservationLength(int length)
    {
        if (length != _observation.Length)
        {
            throw new ArgumentException($"{Id}: expected an observation buffer of {_observation.Length} floats, got {length}.", "observation");
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowCannotStep(int observationLength, int actionLength)
    {
        ThrowIfDisposed();
        _lifecycle.ThrowIfCannotStep(Id);
        if (actionLength != Nu)
        {
            throw new ArgumentException($"{Id}: expected an action of {Nu} floats (one per actuator), got {actionLength}.", "action");
        }

        throw new ArgumentException($"{Id}: expected an observation buffer of {_observation.Length} floats, got {observationLength}.", "observation");
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNonFinite(int index, float value) =>
        throw new ArgumentOutOfRangeException("action", value, $"{Id}: action[{index}] is {value.ToString(CultureInfo.InvariantCulture)}; actions must be finite.");
}
