namespace SharpRL.Datasets;

/// <summary>
/// A dataset that cannot be used: missing, truncated or inconsistent arrays, or spaces that do not
/// match the env. The message names the dataset and the field.
/// </summary>
public sealed class DatasetException : IOException
{
    /// <summary>Creates the exception with a message naming the dataset and the field.</summary>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
