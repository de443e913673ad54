using SharpRL.IO;
using SharpRL.Tests.Logging;

namespace SharpRL.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Write_NewAndExisting_FileHoldsLatestContent()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "f.bin");
        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        AtomicFile.Write(path, stream => stream.Write([9, 8]));
        Assert.Equal([9, 8], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void Write_WriterThrowsMidway_OldFileIntactAndNoTempLeft()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "weights.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4]);

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);
            stream.Flush();
            throw new InvalidOperationException("simulated crash in the middle of a save");
        }));

        Assert.Equal("simulated crash in the middle of a save", ex.Message);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void Write_MissingDirectory_ThrowsAndCreatesNothing()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "missing", "f.bin");
        var error = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(path, new byte[] { 1 }));
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "missing")));

        // The message names the target and its folder, not the generated name of the temporary file.
        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the folder '{Path.Combine(directory.Path, "missing")}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
    }
}
