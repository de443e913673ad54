using SharpRL.Environments.MuJoCo;

namespace SharpRL.Environments.Tests.MuJoCo;

/// <summary>
/// MuJoCo tests need the native library (apt package libmujoco2.2.2): without it they skip with an
/// install hint, except under CI=true, where .ci/run installs it and a missing library is a failure.
/// </summary>
internal static class MuJoCoRequirement
{
    public const string Hint = "MuJoCo 2.2.2 is not installed: run `sudo apt-get install -y libmujoco2.2.2 libmujoco-dev` (CI installs it in .ci/run).";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require()
    {
        if (MuJoCoLibrary.IsAvailable)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail(Hint);
        }

        Skip.If(true, Hint);
    }
}
