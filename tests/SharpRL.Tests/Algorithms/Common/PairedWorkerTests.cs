using SharpRL.Algorithms.Common;

namespace SharpRL.Tests.Algorithms.Common;

public class PairedWorkerTests
{
    [Fact]
    public void Run_ReturnsBothResults_ForEveryPairTypeInTurn()
    {
        using var worker = new PairedWorker("paired worker test");
        for (int i = 0; i < 5_000; i++)
        {
            (int sum, string text) = worker.Run((A: i, B: 3), static s => s.A + s.B, static s => $"{s.A}*{s.B}");
            Assert.Equal(i + 3, sum);
            Assert.Equal($"{i}*3", text);

            (double half, long square) = worker.Run(i, static n => n / 2.0, static n => (long)n * n);
            Assert.Equal(i / 2.0, half);
            Assert.Equal((long)i * i, square);
        }
    }

    [Fact]
    public void Run_AFailureOnEitherSide_IsRethrownToTheCaller_AndTheWorkerStaysUsable()
    {
        using var worker = new PairedWorker("paired worker test");

        Assert.Throws<InvalidOperationException>(() => worker.Run(0, static _ => 1, static _ => Fail<int>("remote")));
        Assert.Throws<InvalidOperationException>(() => worker.Run(0, static _ => Fail<int>("local"), static _ => 2));
        Assert.Equal((1, 2), worker.Run(0, static _ => 1, static _ => 2));
    }

    [Fact]
    public void Run_AfterWarmUp_AllocatesNothingOnTheCaller()
    {
        using var worker = new PairedWorker("paired worker test");
        double[] values = [1, 2, 3, 4];
        double total = 0;

        long allocated = SteadyStateAllocation.Measure(() =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                (double sum, double product) = worker.Run(values, static v => v[0] + v[1], static v => v[2] * v[3]);
                total += sum + product;
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(0, total % 15);
    }

    [Fact]
    public void Run_AfterDispose_IsRefused()
    {
        var worker = new PairedWorker("paired worker test");
        worker.Dispose();
        Assert.Throws<ObjectDisposedException>(() => worker.Run(0, static _ => 1, static _ => 2));
    }

    private static T Fail<T>(string side) => throw new InvalidOperationException($"{side} failed");
}
