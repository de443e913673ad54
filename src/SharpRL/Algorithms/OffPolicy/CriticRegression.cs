namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// One gradient step of critic i towards fixed targets y, shared by TD3 (and so DDPG) and SAC: both regress
/// Q_φi(s, a) on the same Bellman targets and differ only in the scale of the squared error ("Lecture 8:
/// PPO, DDPG / TD3"; Haarnoja et al. 2018, eq. 5).
/// </summary>
internal static class CriticRegression
{
    /// <summary>
    /// Forward Q_φi on the batch's (s, a), then one optimizer step on <c>scale · mean (Q_φi − y)²</c>, whose
    /// derivative is <c>2 · scale · (Q_φi − y) / B</c>. Returns the loss. TD3 uses scale 1 (SB3's
    /// <c>F.mse_loss</c> summed over critics), SAC scale ½ (the paper's J_Q).
    /// </summary>
    public static double Step(QCritic<float> critic, int index, IOptimizer<float> optimizer, ReplayBatch batch,
        ReadOnlySpan<float> targets, float[] q, float[] gradQ, bool halfSquaredError)
    {
        int b = batch.Size;
        critic.Forward(index, batch.Observations, batch.Actions, q, b);

        // With the factors written as 1 for the other scale, both forms round exactly as the hand-written
        // loops they replace (1·x = x in IEEE arithmetic), so seeded runs keep their weights.
        float gradientFactor = halfSquaredError ? 1f : 2f;
        double lossFactor = halfSquaredError ? 0.5 : 1.0;
        double loss = 0;
        for (int r = 0; r < b; r++)
        {
            float delta = q[r] - targets[r];
            loss += delta * delta;
            gradQ[r] = gradientFactor * delta / b;
        }

        optimizer.ZeroGradient();
        critic.Backward(index, gradQ, [], b);
        optimizer.Step();
        return lossFactor * loss / b;
    }
}
