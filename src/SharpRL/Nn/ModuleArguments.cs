using System.Numerics;

namespace SharpRL.Nn;

/// <summary>Argument checks shared by the modules, so every message has the same shape.</summary>
internal static class ModuleArguments
{
    public static int RequirePositiveSize(int value, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a positive number of features; got {value}.");
        }

        return value;
    }

    public static void RequirePositiveBatch(int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be positive; got {batchSize}.");
        }
    }

    public static void RequireLength(int length, int batchSize, int features, string paramName)
    {
        long expected = (long)batchSize * features;
        if (length != expected)
        {
            throw new ArgumentException(
                $"{paramName} has {length} elements; expected batchSize × features = {batchSize} × {features} = {expected}.",
                paramName);
        }
    }

    /// <summary>Like <see cref="RequireLength"/>, but an empty span is accepted (it means "skip" or "zero").</summary>
    public static void RequireLengthOrEmpty(int length, int batchSize, int features, string paramName)
    {
        if (length != 0)
        {
            RequireLength(length, batchSize, features, paramName);
        }
    }

    public static void RequireCachedBatch(int cachedBatchSize, int batchSize, string moduleName)
    {
        if (cachedBatchSize != batchSize)
        {
            string last = cachedBatchSize == 0 ? "none has run yet" : $"the last one had batchSize {cachedBatchSize}";
            throw new InvalidOperationException(
                $"{moduleName}.Backward(batchSize: {batchSize}) must follow a Forward or Jvp of the same batch; {last}.");
        }
    }

    /// <summary>What every <see cref="IModule{T}.Forward"/> checks: a positive batch, and input and output of batchSize rows.</summary>
    public static void CheckForward<T>(IModule<T> module, int inputLength, int outputLength, int batchSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePositiveBatch(batchSize);
        RequireLength(inputLength, batchSize, module.InputSize, "input");
        RequireLength(outputLength, batchSize, module.OutputSize, "output");
    }

    /// <summary>
    /// What every <see cref="IModule{T}.Backward"/> checks: a positive batch, gradOutput of batchSize rows, gradInput
    /// of batchSize rows or empty, and a preceding Forward or Jvp of the same batch (<paramref name="cachedBatchSize"/>).
    /// </summary>
    public static void CheckBackward<T>(IModule<T> module, int gradOutputLength, int gradInputLength, int batchSize, int cachedBatchSize, string moduleName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePositiveBatch(batchSize);
        RequireLength(gradOutputLength, batchSize, module.OutputSize, "gradOutput");
        RequireLengthOrEmpty(gradInputLength, batchSize, module.InputSize, "gradInput");
        RequireCachedBatch(cachedBatchSize, batchSize, moduleName);
    }

    /// <summary>What every <see cref="IModule{T}.Jvp"/> checks: those of Forward, plus the tangents' lengths (the input tangent may be empty).</summary>
    public static void CheckJvp<T>(IModule<T> module, int inputLength, int inputTangentLength, int outputLength, int outputTangentLength, int batchSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePositiveBatch(batchSize);
        RequireLength(inputLength, batchSize, module.InputSize, "input");
        RequireLengthOrEmpty(inputTangentLength, batchSize, module.InputSize, "inputTangent");
        RequireLength(outputLength, batchSize, module.OutputSize, "output");
        RequireLength(outputTangentLength, batchSize, module.OutputSize, "outputTangent");
    }

    /// <summary>Returns a buffer of at least <paramref name="length"/> elements, reallocating only when it must grow.</summary>
    public static T[] Grow<T>(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[length];
}
