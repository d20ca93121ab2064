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
}
