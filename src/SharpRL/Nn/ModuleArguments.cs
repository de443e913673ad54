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

    /// <summary>Returns a buffer of at least <paramref name="length"/> elements, reallocating only when it must grow.</summary>
    public static T[] Grow<T>(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[length];
}
