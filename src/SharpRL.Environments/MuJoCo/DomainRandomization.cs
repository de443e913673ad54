namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Per-episode randomisation of a MuJoCo env's physical parameters: a policy trained from one model and one
/// start distribution is brittle ("the start distribution μ matters", the lectures' point), and training
/// across a family of models is the usual remedy (Tobin et al. 2017, "Domain Randomization for Transferring
/// Deep Neural Networks from Simulation to the Real World"; Peng et al. 2018, "Sim-to-Real Transfer of Robotic
/// Control with Dynamics Randomization").
/// </summary>
/// <remarks>
/// At every reset, before the reset noise is drawn, each body b ≥ 1 gets a mass scale k_b ~ U(low, high) applied
/// to its mass and its principal inertia (the body keeps its shape and density profile: a uniformly heavier or
/// lighter body), and each geom g a scale f_g ~ U(low, high) applied to its sliding friction; then mj_setConst
/// recomputes the model's derived constants. The draws come from a generator of their own (seeded from the
/// reset seed, see <see cref="StreamEntropy"/>), so the env's <c>np_random</c>, its reset noise and therefore its
/// episodes without randomisation stay Gymnasium's. A randomised env owns a copy of the model.
/// </remarks>
/// <param name="MassScale">Range of the per-body mass (and inertia) factor; (1, 1) leaves masses alone.</param>
/// <param name="FrictionScale">Range of the per-geom sliding-friction factor; (1, 1) leaves friction alone.</param>
public sealed record DomainRandomization((double Low, double High) MassScale, (double Low, double High) FrictionScale)
{
    /// <summary>Env option (<c>--env-kwargs mass_scale_range=0.8,1.2</c>) of <see cref="MassScale"/>.</summary>
    public const string MassScaleKey = "mass_scale_range";

    /// <summary>Env option of <see cref="FrictionScale"/>.</summary>
    public const string FrictionScaleKey = "friction_scale_range";

    /// <summary>Largest factor range accepted: a scale outside [0.01, 100] is a typo, not an experiment.</summary>
    public const double MaxFactor = 100, MinFactor = 0.01;

    /// <summary>
    /// The randomisation generator of a reset with seed s is NumPy's PCG64 from SeedSequence(s · 2³² + this):
    /// a stream apart from the env's own generator (SeedSequence(s)).
    /// </summary>
    public const long StreamEntropy = 0xD0_4A1E;

    /// <summary>Whether any parameter is actually randomised.</summary>
    public bool IsActive => MassScale != (1, 1) || FrictionScale != (1, 1);

    /// <summary>The canonical text of the settings (part of a snapshot's settings check).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{MassScaleKey}=({MassScale.Low:R},{MassScale.High:R}), {FrictionScaleKey}=({FrictionScale.Low:R},{FrictionScale.High:R})");

    /// <summary>
    /// Takes the randomisation options out of an env's options: the randomisation they ask for (null when
    /// neither key is given) and the remaining options for the env's constructor.
    /// </summary>
    /// <param name="envId">Env id, for messages.</param>
    /// <param name="options">The options given to <c>Gym.Make</c>, or null.</param>
    /// <exception cref="ArgumentException">A range is malformed or outside [<see cref="MinFactor"/>, <see cref="MaxFactor"/>].</exception>
    public static (DomainRandomization? Randomization, IReadOnlyDictionary<string, object>? Remaining) Extract(string envId, IReadOnlyDictionary<string, object>? options)
    {
        if (options is null || !(options.ContainsKey(MassScaleKey) || options.ContainsKey(FrictionScaleKey)))
        {
            return (null, options);
        }

        var reader = new EnvOptions(envId, options);
        (double Low, double High) mass = Checked(envId, MassScaleKey, reader.Range(MassScaleKey, (1, 1)));
        (double Low, double High) friction = Checked(envId, FrictionScaleKey, reader.Range(FrictionScaleKey, (1, 1)));
        Dictionary<string, object> rest = options.Where(o => o.Key is not (MassScaleKey or FrictionScaleKey)).ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        return (new DomainRandomization(mass, friction), rest);
    }

    private static (double Low, double High) Checked(string envId, string key, (double Low, double High) range) =>
        range.Low >= MinFactor && range.High <= MaxFactor
            ? range
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{envId} option '{key}' must be a factor range (low, high) within [{MinFactor}, {MaxFactor}], got ({range.Low}, {range.High})."), "options");
}
