using System.Text;

namespace SharpRL.Cli;

/// <summary>
/// The subset of Python expressions rl-zoo writes inside its YAML values (<c>policy_kwargs</c>, the dict form of
/// <c>normalize</c>): <c>dict(k=v, …)</c>, <c>{'k': v, …}</c>, lists and tuples, numbers, strings, <c>True</c>,
/// <c>False</c>, <c>None</c> and dotted names such as <c>nn.ReLU</c> (kept as their text). Anything else — calls
/// other than <c>dict</c>, operators, lambdas — is refused with its position, because evaluating Python is not
/// what a config reader should do.
/// </summary>
internal static class PythonLiteral
{
    /// <summary>A dotted name (<c>nn.ReLU</c>, <c>th.nn.Tanh</c>): a class or constant the file refers to.</summary>
    public sealed record Name(string Text);

    /// <summary>Parses <paramref name="text"/> into nested values: Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, double, long, string, bool, <see cref="Name"/> or null.</summary>
    /// <exception cref="FormatException">The text is not such a literal; the message names the position.</exception>
    public static object? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        object? value = parser.Value();
        parser.SkipSpace();
        if (!parser.AtEnd)
        {
            throw parser.Error("unexpected text after the value");
        }

        return value;
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public bool AtEnd => _position >= text.Length;

        public FormatException Error(string what) =>
            new($"{what} at character {_position + 1} of \"{text}\"");

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        public object? Value()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw Error("a value is missing");
            }

            char c = text[_position];
            switch (c)
            {
                case '{':
                    return Braces();
                case '[':
                    return Sequence('[', ']');
                case '(':
                    return Sequence('(', ')');
                case '\'' or '"':
                    return QuotedString();
            }

            if (char.IsDigit(c) || c is '-' or '+' or '.')
            {
                return Number();
            }

            if (char.IsLetter(c) || c == '_')
            {
                string name = DottedName();
                SkipSpace();
                if (!AtEnd && text[_position] == '(')
                {
                    if (name != "dict")
                    {
                        throw Error($"'{name}(…)' is a call; only dict(…) is read");
                    }

                    return DictCall();
                }

                return name switch
                {
                    "True" => true,
                    "False" => false,
                    "None" => null,
                    _ => new Name(name),
                };
            }

            throw Error($"'{c}' cannot start a value");
        }

        // dict(key=value, ...): the arguments of a dict call.
        private Dictionary<string, object?> DictCall() => Mapping('(', '=', ')', KeywordName);

        // {"key": value, ...}
        private Dictionary<string, object?> Braces() => Mapping('{', ':', '}', QuotedKey);

        // The entries "key <assign> value" between open and close, separated by commas (a trailing one allowed).
        private Dictionary<string, object?> Mapping(char open, char assign, char close, Func<string> readKey)
        {
            Expect(open);
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipSpace();
            while (!TryConsume(close))
            {
                string key = readKey();
                SkipSpace();
                Expect(assign);
                Add(result, key, Value());
                if (!ListSeparator(close))
                {
                    Expect(close);
                    break;
                }
            }

            return result;
        }

        private string KeywordName()
        {
            SkipSpace();
            string key = DottedName();
            return key.Contains('.', StringComparison.Ordinal) ? throw Error($"'{key}' is not a keyword argument name") : key;
        }

        private string QuotedKey() => Value() is string name ? name : throw Error("dictionary keys must be quoted strings");

        private List<object?> Sequence(char open, char close)
        {
            Expect(open);
            var result = new List<object?>();
            SkipSpace();
            while (!TryConsume(close))
            {
                result.Add(Value());
                if (!ListSeparator(close))
                {
                    Expect(close);
                    break;
                }
            }

            return result;
        }

        // After an element: true when a comma was read and more may follow (a trailing comma before the
        // closer is allowed, as in Python); false when the closer comes next.
        private bool ListSeparator(char close)
        {
            SkipSpace();
            if (TryConsume(','))
            {
                SkipSpace();
                return true;
            }

            if (!AtEnd && text[_position] == close)
            {
                return false;
            }

            throw Error($"expected ',' or '{close}'");
        }

        private void Add(Dictionary<string, object?> result, string key, object? value)
        {
            if (!result.TryAdd(key, value))
            {
                throw Error($"key '{key}' is given twice");
            }
        }

        private string QuotedString()
        {
            char quote = text[_position++];
            var builder = new StringBuilder();
            while (!AtEnd && text[_position] != quote)
            {
                if (text[_position] == '\\' && _position + 1 < text.Length)
                {
                    _position++;
                }

                builder.Append(text[_position++]);
            }

            if (AtEnd)
            {
                throw Error("a string is not closed");
            }

            _position++;
            return builder.ToString();
        }

        private object Number()
        {
            int start = _position;
            while (!AtEnd && (char.IsLetterOrDigit(text[_position]) || text[_position] is '-' or '+' or '.' or '_'))
            {
                _position++;
            }

            string token = text[start.._position].Replace("_", "", StringComparison.Ordinal);
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            {
                return integer;
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double real))
            {
                return real;
            }

            _position = start;
            throw Error($"'{text[start..Math.Min(text.Length, start + token.Length)]}' is not a number");
        }

        private string DottedName()
        {
            int start = _position;
            while (!AtEnd && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '.'))
            {
                _position++;
            }

            if (start == _position)
            {
                throw Error("a name is expected");
            }

            return text[start.._position];
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (!AtEnd && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }
    }
}
