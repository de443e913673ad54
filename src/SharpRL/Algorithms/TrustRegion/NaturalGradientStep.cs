namespace SharpRL.Algorithms.TrustRegion;

/// <summary>What one NPG or TRPO policy update did; the algorithm's Train logs it.</summary>
/// <param name="Surrogate">L(θ) = E[r Â] + c_e E[H] where the update left θ (L(θ_old) for NPG, whose step is not re-evaluated).</param>
/// <param name="Kl">Mean KL(π_old ‖ π_θ) after the update.</param>
/// <param name="LineSearch">TRPO's line search (null for NPG, which takes the whole step).</param>
/// <param name="CgResidual">‖g − (F + λI)x‖ where conjugate gradient stopped.</param>
public readonly record struct NaturalGradientStep(double Surrogate, double Kl, LineSearchResult? LineSearch, double CgResidual = 0)
{
    /// <summary>Whether θ moved (always for NPG; for TRPO when a step fraction passed the line search).</summary>
    public bool Accepted => LineSearch?.Accepted ?? true;
}

/// <summary>Outcome of one TRPO line search.</summary>
/// <param name="Accepted">Whether a step was kept.</param>
/// <param name="StepFraction">f of the kept step (0 when none was).</param>
/// <param name="Kl">Mean KL(π_old ‖ π_θ) after the search (0 when θ_old was restored).</param>
/// <param name="Surrogate">L(θ) after the search.</param>
public readonly record struct LineSearchResult(bool Accepted, double StepFraction, double Kl, double Surrogate);
