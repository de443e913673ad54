using SharpRL.Distributions;

namespace SharpRL.Tests.Distributions;

public class BernoulliLogitFisherTests
{
    [Theory]
    [InlineData(-8.0)]
    [InlineData(-4.0)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    [InlineData(8.0)]
    [InlineData(30.0)]
    [InlineData(-30.0)]
    public void Information_Theta_EqualsClosedFormToOneInAMillion(double theta)
    {
        double closedForm = Math.Exp(theta) / Math.Pow(1 + Math.Exp(theta), 2);

        double information = BernoulliLogitFisher.Information(theta);

        Assert.True(
            Math.Abs(information - closedForm) <= 1e-6 * closedForm,
            $"θ = {theta}: library f = {information:R}, closed form {closedForm:R}.");
    }

    [Theory]
    [InlineData(12f)]
    [InlineData(-12f)]
    public void Information_FloatFarFromZero_KeepsRelativePrecision(float theta)
    {
        // p₁(1 − p₁) at θ = 12 in float would lose ~2 of its 7 digits to the cancellation 1 − p₁;
        // the library forms p₁p₂ instead.
        double closedForm = Math.Exp(theta) / Math.Pow(1 + Math.Exp(theta), 2);

        float information = BernoulliLogitFisher.Information(theta);

        Assert.True(
            Math.Abs(information - closedForm) <= 1e-6 * closedForm,
            $"θ = {theta}: library f = {information:R}, closed form {closedForm:R}.");
    }

    [Fact]
    public void Information_Zero_IsOneQuarter()
    {
        Assert.Equal(0.25f, BernoulliLogitFisher.Information(0f));
    }
}
