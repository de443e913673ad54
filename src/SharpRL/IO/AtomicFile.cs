namespace SharpRL.IO;

/// <summary>
/// Replaces a file so that readers, and a crash at any moment, see either the complete old
/// content or the complete new content, never a mixture or a truncated file.
/// </summary>
/// <remarks>
/// The content goes to a temporary file in the same directory (a rename is only atomic within
/// one file system), is forced to the storage device, and is then renamed over the target.
/// The directory entry itself is not fsync'ed (.NET has no portable call for it), so after a power
/// loss the rename may be undone, leaving the old file: still a complete file.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes a file atomically through a callback.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the complete new content to the stream it receives; must not dispose it.</param>
    /// <exception cref="Exception">Whatever <paramref name="write"/> or the file system throws; the old file is then untouched and the temporary file removed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"path '{path}' has no parent directory.", nameof(path));
        if (!Directory.Exists(directory))
        {
            // Said before the temporary file is tried, whose generated name would otherwise be the one in the message.
            throw new DirectoryNotFoundException($"cannot write '{fullPath}': the folder '{directory}' does not exist.");
        }

        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);

                // Flush(true) reaches the device; without it a crash after the rename could expose an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="content">The complete new content.</param>
    public static void WriteAllBytes(string path, ReadOnlyMemory<byte> content) =>
        Write(path, stream => stream.Write(content.Span));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The original failure is what the caller needs to see; a leftover temp file is harmless.
        }
    }
}
