namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// TRPO settings: NPG's (δ = 0.01, damping 0.1, 10 CG iterations, critic by its own regression) plus the
/// backtracking line search (factor 0.8, 10 tries).
/// </summary>
public sealed record TrpoOptions : NpgOptions
{
    /// <summary>Each failed try shrinks the step fraction by this factor (1, s, s², …).</summary>
    public double LineSearchShrinkingFactor { get; init; } = 0.8;

    /// <summary>Step fractions tried before the update is abandoned and θ_old restored.</summary>
    public int LineSearchMaxIter { get; init; } = 10;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(LineSearchShrinkingFactor is > 0 and < 1, "line_search_shrinking_factor", LineSearchShrinkingFactor, "in (0, 1)");
        Require(LineSearchMaxIter > 0, "line_search_max_iter", LineSearchMaxIter, "a positive integer");
    }
}
