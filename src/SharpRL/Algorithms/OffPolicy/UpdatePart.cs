namespace SharpRL.Algorithms.OffPolicy;

/// <summary>The parts of an off-policy gradient step that <see cref="OffPolicyAlgorithm.TimeByUpdatePart"/> times.</summary>
public enum UpdatePart
{
    /// <summary>Drawing the minibatch from the replay buffer.</summary>
    Sample = 0,

    /// <summary>The regression target y (target actor or policy sample, target critics).</summary>
    Targets = 1,

    /// <summary>The critics' forward, backward and Adam steps.</summary>
    Critics = 2,

    /// <summary>The actor's step (SAC: with the temperature's).</summary>
    Actor = 3,

    /// <summary>Polyak averaging of the target networks.</summary>
    Polyak = 4,
}
