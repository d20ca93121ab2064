using System.Globalization;
using Emporium.Configuration;

namespace Emporium.Orchestration;

/// <summary>Reading a DAG parameter's text as its type, and checking a ranged one against its
/// <see cref="SettingRangeAttribute"/> (the same ranges and words as the settings checked at start-up).</summary>
public static class DagParamValue
{
    /// <summary>The value as <paramref name="target"/> (invariant culture), or <see cref="DagParameterException"/>
    /// naming the DAG, the parameter and the form expected.</summary>
    public static object Parse(string dag, string key, string value, Type target)
    {
        try
        {
            return target == typeof(TimeSpan)
                ? ParseDuration(value)
                : target == typeof(DateOnly)
                    ? DateOnly.Parse(value, CultureInfo.InvariantCulture)
                    : Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            var form = target == typeof(TimeSpan) ? " (hh:mm:ss, e.g. 00:00:30; a bare number would be read as days)" : "";
            throw new DagParameterException($"DAG '{dag}': parameter '{key}'='{value}' is not a valid {target.Name}{form}", ex);
        }
    }

    /// <summary>Refuses a ranged parameter of <paramref name="dag"/> whose value in <paramref name="values"/> is not of
    /// its type or out of its range, with <see cref="InvalidDagParamException"/>. <paramref name="origin"/> says where
    /// the values came from, for the message.</summary>
    public static void Check(Dag dag, IReadOnlyDictionary<string, string?> values, string origin)
    {
        var given = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, (type, range)) in dag.ParamRanges)
        {
            if (!given.TryGetValue(key, out var text) || string.IsNullOrEmpty(text))
            {
                continue;
            }
            object value;
            try
            {
                value = Parse(dag.Name, key, text, type);
            }
            catch (DagParameterException)
            {
                throw Refuse(dag, key, text, origin, range.Describe(type));
            }
            if (!range.Allows(type, value))
            {
                throw Refuse(dag, key, text, origin, range.Describe(type));
            }
        }
    }

    private static InvalidDagParamException Refuse(Dag dag, string key, string value, string origin, string expected) =>
        new($"DAG '{dag.Name}': parameter '{key}' is '{value}' ({origin}): expected {expected}", key);

    /// <summary>A duration as <c>[d.]hh:mm[:ss]</c>. <see cref="TimeSpan.Parse(string, IFormatProvider)"/> also takes a
    /// bare number, as days: <c>webhook_retry_delay=30</c>, meant as seconds, would wait a month.</summary>
    private static TimeSpan ParseDuration(string value) =>
        value.Contains(':', StringComparison.Ordinal)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : throw new FormatException($"'{value}' has no ':'");
}

/// <summary>A run was asked for, or settings give, a DAG parameter of the wrong type or out of its range.</summary>
public sealed class InvalidDagParamException(string message, string param) : ArgumentException(message)
{
    public string Param { get; } = param;
}
