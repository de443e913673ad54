namespace SharpRL.Envs;

/// <summary>
/// An env (single or vector) whose complete internal state can be saved and restored, so that a
/// training run resumed from a checkpoint steps exactly as the uninterrupted run would have.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SaveState"/> captures everything the next <c>Step</c>/<c>Reset</c> calls depend on:
/// the simulated state, the env's generator (Gymnasium's <c>np_random</c>, PCG64's 128-bit words as
/// hex text), episode bookkeeping (needs-reset flags, elapsed steps, running returns) and, for
/// wrappers, their own state plus the wrapped env's under <c>"env"</c>. Loading it into an env
/// built the same way (same type, same constructor arguments, same wrapper stack) makes that env's
/// future identical, bit for bit, to the one it was saved from. What a step only reports
/// (final observations, completed episodes of the latest step) is not part of the state.
/// </para>
/// <para>
/// The state is a JSON object tagged with the env's type (<c>"type"</c>); numbers are JSON numbers,
/// which System.Text.Json writes in the shortest form that parses back to the same double, and
/// non-finite values are the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>
/// (see <see cref="EnvState"/>, which implementations use to read and write it).
/// </para>
/// <para>
/// <see cref="LoadState"/> checks the state before using it and throws an
/// <see cref="ArgumentException"/> naming what does not fit: another env type, another number of
/// copies or components, other constructor settings (e.g. a different time limit), or malformed
/// values. The type tags of a wrapper stack are checked outermost first, before anything is
/// overwritten; a state that is malformed deeper inside may leave the env partly restored, so
/// after a failed load, load a valid state or reset the env.
/// A wrapper or vector env whose inner env does not implement this interface throws
/// <see cref="NotSupportedException"/> from <see cref="SaveState"/>, naming that env's type.
/// </para>
/// </remarks>
public interface IStatefulEnv
{
    /// <summary>Returns a JSON snapshot of the env's complete state (a new object the caller owns).</summary>
    /// <exception cref="NotSupportedException">A wrapped env cannot save its state.</exception>
    JsonNode SaveState();

    /// <summary>Restores a snapshot taken by <see cref="SaveState"/> on an env built the same way.</summary>
    /// <param name="state">The snapshot.</param>
    /// <exception cref="ArgumentException">The snapshot was taken from another kind of env or is malformed.</exception>
    /// <exception cref="NotSupportedException">A wrapped env cannot load a state.</exception>
    void LoadState(JsonNode state);
}
