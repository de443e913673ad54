
namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// DDPG settings (Lillicrap et al., 2016) as SB3 defines DDPG: TD3 with one critic, no policy delay and
/// no target-policy smoothing; lr 1e-3, [400, 300] ReLU, batch 256, τ 0.005.
/// </summary>
public sealed record DdpgOptions : Td3Options
{
    /// <summary>Creates the DDPG defaults.</summary>
    public DdpgOptions()
    {
        PolicyDelay = 1;
        TargetPolicyNoise = 0;
        NCritics = 1;
    }
}
