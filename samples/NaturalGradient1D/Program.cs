// The 1-D natural-gradient example of the lecture "NPG and PPO".
//
// p_θ = (σ(θ), 1 − σ(θ)) is a 2-category Categorical with logits z(θ) = (θ, 0), and we maximise
// g(θ) = 100·p₁ + 1·p₂. The optimum is θ → +∞. The Fisher information f(θ) = e^θ/(1 + e^θ)² shrinks
// as θ grows, so the plain gradient g′(θ) shrinks with it and gradient ascent stalls; the natural
// gradient g′(θ)/f(θ) divides that shrinkage out and keeps its speed.
using SharpRL.Distributions;

var policy = new Categorical<double>(2);
double[] reward = [100, 1];

Console.WriteLine("Fisher information f(θ) = JᵀMJ from the library's Categorical (M = diag(p) − ppᵀ, J = ∂z/∂θ = (1, 0)ᵀ)");
Console.WriteLine($"{"θ",6} {"library f(θ)",16} {"e^θ/(1+e^θ)²",16}");
for (int theta = -4; theta <= 4; theta++)
{
    double closedForm = Math.Exp(theta) / Math.Pow(1 + Math.Exp(theta), 2);
    Console.WriteLine($"{theta,6} {BernoulliLogitFisher.Information((double)theta),16:F10} {closedForm,16:F10}");
}

const double StepSize = 0.05;
const double StartTheta = -4;
const int Iterations = 30;
Console.WriteLine();
Console.WriteLine($"Maximising g(θ) from θ₀ = {StartTheta} with η = {StepSize}:");
Console.WriteLine("  gradient ascent  θ ← θ + η g′(θ)");
Console.WriteLine("  natural gradient θ ← θ + η g′(θ)/f(θ)");
Console.WriteLine($"{"iter",4} {"θ (GA)",9} {"g (GA)",9}   {"θ (NGA)",9} {"g (NGA)",9}");
const double Target = 99;
double thetaPlain = StartTheta;
double thetaNatural = StartTheta;
int? plainReached = null;
int? naturalReached = null;
for (int iteration = 0; iteration <= Iterations; iteration++)
{
    double plain = Objective(thetaPlain);
    double natural = Objective(thetaNatural);
    Console.WriteLine($"{iteration,4} {thetaPlain,9:F3} {plain,9:F3}   {thetaNatural,9:F3} {natural,9:F3}");
    plainReached ??= plain >= Target ? iteration : null;
    naturalReached ??= natural >= Target ? iteration : null;
    thetaPlain += StepSize * ObjectiveGradient(thetaPlain);
    thetaNatural += StepSize * ObjectiveGradient(thetaNatural) / BernoulliLogitFisher.Information(thetaNatural);
}

Console.WriteLine();
Console.WriteLine($"Iterations to reach g ≥ {Target}: gradient ascent {plainReached?.ToString() ?? $"> {Iterations}"}, natural gradient {naturalReached}.");

// g(θ) = Σ_a p_θ(a) r(a)
double Objective(double theta)
{
    Span<double> logProb = stackalloc double[2];
    policy.LogProb([theta, 0, theta, 0], [0, 1], logProb, batchSize: 2);
    return (Math.Exp(logProb[0]) * reward[0]) + (Math.Exp(logProb[1]) * reward[1]);
}

// g′(θ) = Σ_a p_θ(a) r(a) ∂ ln p_θ(a)/∂θ (the policy-gradient identity, as an exact sum over both actions):
// the library gives ∂ ln p(a)/∂z, and the chain rule through z = (θ, 0) keeps the first component.
double ObjectiveGradient(double theta)
{
    Span<double> logProb = stackalloc double[2];
    Span<double> coefficient = stackalloc double[2];
    Span<double> gradLogits = stackalloc double[4];
    gradLogits.Clear();
    ReadOnlySpan<double> logits = [theta, 0, theta, 0];
    ReadOnlySpan<double> actions = [0, 1];
    policy.LogProb(logits, actions, logProb, batchSize: 2);
    coefficient[0] = Math.Exp(logProb[0]) * reward[0];
    coefficient[1] = Math.Exp(logProb[1]) * reward[1];
    policy.LogProbBackward(logits, actions, coefficient, gradLogits, batchSize: 2);
    return gradLogits[0] + gradLogits[2];
}
