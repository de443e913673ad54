namespace SharpRL.Nn;

/// <summary>Hidden-layer non-linearity of an <see cref="Mlp{T}"/>.</summary>
public enum Activation
{
    /// <summary>tanh, the default of SB3's on-policy policies.</summary>
    Tanh,

    /// <summary>max(x, 0), the usual choice for DDPG/TD3 networks.</summary>
    Relu,
}
