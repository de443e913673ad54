namespace SharpRL.Training;

/// <summary>
/// Training produced a NaN or an infinity (from the env's output, or a diverging update): the run stopped
/// without saving that state, so the last good checkpoint is what a resume continues from.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message naming what went non-finite, when, and the likely cause.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error the non-finite value caused.</summary>
    public TrainingDivergedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
