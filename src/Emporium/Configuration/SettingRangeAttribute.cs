using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace Emporium.Configuration;

/// <summary>The values a setting accepts beyond its type. The host checks every configured value against it at
/// start-up, before anything is opened, so a value of the right kind but out of range (a negative chunk size, a zero
/// interval) stops the process naming the setting, the value, its source and this range, instead of failing later or
/// being taken silently. Bounds are written as the setting itself is (<c>"1"</c>, <c>"00:00:00"</c>) and compared in
/// the property's type.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute(string minimum) : Attribute
{
    /// <summary>Smallest value allowed (itself refused when <see cref="AboveMinimum"/>).</summary>
    public string Minimum { get; } = minimum;

    /// <summary>Largest value allowed; null for no upper bound.</summary>
    public string? Maximum { get; set; }

    /// <summary>The minimum itself is refused: a duration that must be longer than zero.</summary>
    public bool AboveMinimum { get; set; }

    /// <summary>Whether <paramref name="value"/>, of the property's <paramref name="type"/>, is in the range.</summary>
    public bool Allows(Type type, object value)
    {
        var converter = TypeDescriptor.GetConverter(type);
        var given = (IComparable)value;
        var below = given.CompareTo(converter.ConvertFromInvariantString(Minimum));
        return (AboveMinimum ? below > 0 : below >= 0)
            && (Maximum is null || given.CompareTo(converter.ConvertFromInvariantString(Maximum)) <= 0);
    }

    /// <summary>The range in words: "a whole number of at least 1", "a duration above zero, like 00:00:30".</summary>
    public string Describe(Type type)
    {
        if (type == typeof(TimeSpan))
        {
            var zero = TimeSpan.Parse(Minimum, CultureInfo.InvariantCulture) == TimeSpan.Zero;
            var from = AboveMinimum ? (zero ? "above zero" : $"above {Minimum}") : (zero ? "of zero or more" : $"of at least {Minimum}");
            var to = Maximum is null ? "" : $" and at most {Maximum}";
            return $"a duration {from}{to}, like 00:00:30";
        }
        var kind = Type.GetTypeCode(type) is TypeCode.Single or TypeCode.Double or TypeCode.Decimal ? "a number" : "a whole number";
        return (Maximum, AboveMinimum) switch
        {
            (null, false) => $"{kind} of at least {Minimum}",
            (null, true) => $"{kind} above {Minimum}",
            (_, false) => $"{kind} from {Minimum} to {Maximum}",
            (_, true) => $"{kind} above {Minimum} and at most {Maximum}",
        };
    }

    /// <summary>The range <typeparamref name="TOptions"/> declares on <paramref name="property"/>, for a value given
    /// elsewhere (a DAG parameter) that feeds that setting and so takes what it takes.</summary>
    public static SettingRangeAttribute Of<TOptions>(string property) =>
        typeof(TOptions).GetProperty(property)?.GetCustomAttribute<SettingRangeAttribute>()
        ?? throw new InvalidOperationException($"{typeof(TOptions).Name}.{property} declares no range");

    /// <summary>Checks every ranged property of <paramref name="options"/> (for a library user who builds options in
    /// code, where no settings check ran).</summary>
    /// <param name="options">The options record.</param>
    /// <param name="section">The settings section the record binds, named in the message.</param>
    /// <exception cref="ArgumentException">A value is out of its range.</exception>
    public static void Check(object options, string section)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<SettingRangeAttribute>() is { } range && property.GetValue(options) is { } value
                && !range.Allows(property.PropertyType, value))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{section}:{property.Name} must be {range.Describe(property.PropertyType)}, not {value}"));
            }
        }
    }
}
