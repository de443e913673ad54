namespace SharpRL.Cli;

/// <summary>A user error: printed as one clear line, exit code 2, nothing written.</summary>
public sealed class CliError(string message) : Exception(message);
