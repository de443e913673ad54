namespace SharpRL.Cli;

/// <summary>Entry point of the <c>sharprl</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("sharprl: no commands yet (arguments: " + string.Join(' ', args) + ")");
        return 1;
    }
}
