namespace SharpRL.Rng;

/// <summary>
/// Tables of 256-layer ziggurat samplers laid out as NumPy's are, for the standard normal (52-bit)
/// and the standard exponential (53-bit), built with Marsaglia and Tsang's recurrence from NumPy's
/// base-strip width r and Marsaglia's layer area v.
/// </summary>
/// <remarks>
/// NumPy ships precomputed tables that this recurrence does not reproduce to the last bit (neither in
/// double nor in 60-digit arithmetic), so draws agree with NumPy's to about 1e-9 relative and take the
/// same raw outputs (stream alignment is kept), but are not bit-identical.
/// </remarks>
internal static class Ziggurat
{
    public const double NormalR = 3.6541528853610088;
    public const double NormalInvR = 0.27366123732975828;
    public const double ExponentialR = 7.6971174701310497;

    private const double NormalV = 0.0049286732339746549;
    private const double ExponentialV = 0.0039496598225815571993;

    public static readonly ulong[] NormalK = new ulong[256];
    public static readonly double[] NormalW = new double[256];
    public static readonly double[] NormalF = new double[256];
    public static readonly ulong[] ExponentialK = new ulong[256];
    public static readonly double[] ExponentialW = new double[256];
    public static readonly double[] ExponentialF = new double[256];

#pragma warning disable CA1810 // The tables depend on each other's construction order; a static constructor keeps that explicit.
    static Ziggurat()
#pragma warning restore CA1810
    {
        Build(NormalK, NormalW, NormalF, NormalR, NormalV, 4503599627370496.0, x => Math.Exp(-0.5 * x * x), y => Math.Sqrt(-2.0 * Math.Log(y)));
        Build(ExponentialK, ExponentialW, ExponentialF, ExponentialR, ExponentialV, 9007199254740992.0, x => Math.Exp(-x), y => -Math.Log(y));
    }

    // Layer i spans [0, x_i]; each layer has area v: x_{i-1} solves f(x_{i-1}) = v / x_i + f(x_i).
    // k_i = m·x_{i-1}/x_i is the fast-accept threshold, w_i = x_i / m scales an m-bit integer.
    private static void Build(ulong[] k, double[] w, double[] f, double r, double v, double m, Func<double, double> density, Func<double, double> inverse)
    {
        double q = v / density(r);
        k[0] = (ulong)(r / q * m);
        k[1] = 0;
        w[0] = q / m;
        w[255] = r / m;
        f[0] = 1.0;
        f[255] = density(r);
        double x = r;
        double previous = r;
        for (int i = 254; i >= 1; i--)
        {
            x = inverse((v / x) + density(x));
            k[i + 1] = (ulong)(x / previous * m);
            previous = x;
            f[i] = density(x);
            w[i] = x / m;
        }
    }
}
