namespace SharpRL.Environments.Toy;

/// <summary>
/// A 5 × 5 maze where walking into a wall or off the board is an illegal move, the test bed of invalid-action
/// masking (<see cref="IActionMaskEnv"/>). The agent starts in the top-left cell and must reach the bottom-right
/// one (reward +1, terminated; the shortest path is 8 moves). An illegal move forfeits the episode as in a board
/// game: reward −1, terminated. Every other move pays 0; the episode is truncated after <see cref="Horizon"/> moves.
/// Observation: the one-hot of the agent's cell in Box [0, 1]^25 (row-major); actions: Discrete(4), 0 up,
/// 1 right, 2 down, 3 left. The mask allows exactly the legal moves, so a masked policy never forfeits and
/// explores the corridors only, while an unmasked one first has to learn where the walls are.
/// </summary>
public sealed class WallMaze : IEnv, IStatefulEnv, IActionMaskEnv
{
    /// <summary>Side of the board.</summary>
    public const int Size = 5;

    /// <summary>Moves after which an episode is truncated.</summary>
    public const int Horizon = 50;

    // '#' is a wall; S the start (0, 0), G the goal (4, 4).
    private static readonly string[] Layout =
    [
        "..#..",
        "..#.#",
        "#...#",
        ".##..",
        "...#.",
    ];

    private static readonly int[] RowStep = [-1, 0, 1, 0];
    private static readonly int[] ColumnStep = [0, 1, 0, -1];

    private int _cell = -1;
    private int _steps;
    private bool _needsReset = true;

    /// <inheritdoc />
    public Space ObservationSpace { get; } = new Box(0f, 1f, Size * Size);

    /// <inheritdoc />
    public Space ActionSpace { get; } = new Discrete(4);

    /// <inheritdoc />
    public EnvSpec? Spec => null;

    /// <summary>Illegal moves taken since the env was created (a masked policy keeps this at 0).</summary>
    public long IllegalMoves { get; private set; }

    /// <summary>The agent's cell, row × 5 + column (−1 before the first reset).</summary>
    public int Cell => _cell;

    /// <summary>Whether moving from <paramref name="cell"/> in direction <paramref name="action"/> stays on the board and off the walls.</summary>
    /// <param name="cell">row × 5 + column.</param>
    /// <param name="action">0 up, 1 right, 2 down, 3 left.</param>
    public static bool IsLegal(int cell, int action) => Target(cell, action) >= 0;

    /// <inheritdoc />
    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _cell = 0;
        _steps = 0;
        _needsReset = false;
        WriteObservation(observation);
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ToyStepChecks.Check(_needsReset, "The maze episode has ended", action, ActionSpace, "one of 0 (up), 1 (right), 2 (down), 3 (left)");

        _steps++;
        int target = Target(_cell, (int)action[0]);
        double reward = 0;
        bool terminated = false;
        if (target < 0)
        {
            IllegalMoves++;
            reward = -1;
            terminated = true;
        }
        else
        {
            _cell = target;
            if (_cell == (Size * Size) - 1)
            {
                reward = 1;
                terminated = true;
            }
        }

        bool truncated = !terminated && _steps >= Horizon;
        _needsReset = terminated || truncated;
        WriteObservation(observation);
        return new StepResult(reward, terminated, truncated);
    }

    /// <summary>The legal moves from the current cell (true = allowed).</summary>
    /// <param name="mask">4 flags: up, right, down, left.</param>
    public void GetActionMask(Span<bool> mask)
    {
        if (mask.Length != 4)
        {
            throw new ArgumentException($"mask must have 4 flags (one per move); got {mask.Length}.", nameof(mask));
        }

        if (_cell < 0)
        {
            throw new InvalidOperationException("Reset must be called before the action mask is read.");
        }

        for (int a = 0; a < 4; a++)
        {
            mask[a] = IsLegal(_cell, a);
        }
    }

    /// <summary>Snapshot: cell, step count, the needs-reset flag and the illegal-move count.</summary>
    public JsonNode SaveState()
    {
        JsonObject state = EnvState.Create(this);
        state["cell"] = _cell;
        state["steps"] = _steps;
        state["needs_reset"] = _needsReset;
        state["illegal_moves"] = IllegalMoves;
        return state;
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        JsonObject snapshot = EnvState.Open(state, this);
        int cell = EnvState.ReadInt32(snapshot, "cell", -1);
        int steps = EnvState.ReadInt32(snapshot, "steps", 0);
        bool needsReset = EnvState.ReadBoolean(snapshot, "needs_reset");
        long illegal = EnvState.ReadInt64(snapshot, "illegal_moves", 0);
        if (cell >= Size * Size || (cell >= 0 && Layout[cell / Size][cell % Size] == '#'))
        {
            throw new ArgumentException($"The state of a WallMaze is malformed: \"cell\" is {cell}; expected a free cell in [0, {Size * Size}) or -1.", nameof(state));
        }

        (_cell, _steps, _needsReset, IllegalMoves) = (cell, steps, needsReset, illegal);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static int Target(int cell, int action)
    {
        int row = (cell / Size) + RowStep[action];
        int column = (cell % Size) + ColumnStep[action];
        return row < 0 || row >= Size || column < 0 || column >= Size || Layout[row][column] == '#' ? -1 : (row * Size) + column;
    }

    private void WriteObservation(Span<float> observation)
    {
        if (observation.Length != Size * Size)
        {
            throw new ArgumentException($"observation must have {Size * Size} floats; got {observation.Length}.", nameof(observation));
        }

        observation.Clear();
        observation[_cell] = 1f;
    }
}
