namespace SharpRL.Serialization;

/// <summary>
/// A checkpoint could not be loaded or used: missing or truncated files, a corrupt header, a
/// weights file that does not match its metadata, the wrong algorithm, a missing tensor or a
/// shape mismatch. The message names the file, what is wrong and what was expected.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="innerException">The underlying I/O or format error.</param>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with no message (required by serialisation conventions).</summary>
    public CheckpointException()
    {
    }
}
