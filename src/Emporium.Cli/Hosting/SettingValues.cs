using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Emporium.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Emporium.Cli.Hosting;

/// <summary>Checks every configured value against the type of the option it binds to, before the binder does, and
/// against its <see cref="SettingRangeAttribute"/>, so a wrong one is reported as the setting's path, the value, where
/// it came from and what it should look like in plain words — the binder's own message names .NET types
/// ("to type 'System.Int32'"), and a value out of range would otherwise be taken as it is.</summary>
internal static class SettingValues
{
    /// <summary>Throws <see cref="ConfigurationException"/> for the first value under <paramref name="section"/> that
    /// the property it binds to cannot take. <paramref name="root"/> is asked where the value came from.</summary>
    public static void Check(Type type, IConfiguration section, IConfiguration root)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets simple values through public setters only; a value for any other property is ignored.
            if (property.GetIndexParameters().Length > 0 || !property.CanRead ||
                (property.SetMethod is not { IsPublic: true } && IsScalar(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType)))
            {
                continue;
            }
            CheckValue(property.PropertyType, section.GetSection(property.Name), root, property.GetCustomAttribute<SettingRangeAttribute>());
        }
    }

    private static void CheckValue(Type type, IConfigurationSection section, IConfiguration root, SettingRangeAttribute? range = null)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string) || target == typeof(object))
        {
            return;
        }
        if (IsScalar(target))
        {
            if (section.Value is { } value && !Converts(target, value))
            {
                // A number's own range, when the setting declares one: the type's (-2147483648 to 2147483647) would
                // suggest a value the range check then refuses. A duration keeps its format hint.
                var expected = range is not null && target != typeof(TimeSpan) ? range.Describe(target) : Expected(target);
                throw new ConfigurationException($"{section.Path} is '{value}'{Origin(root, section.Path)}: expected {expected}.");
            }
            if (range is not null && section.Value is { Length: > 0 } set && !range.Allows(target, TypeDescriptor.GetConverter(target).ConvertFromInvariantString(set)!))
            {
                throw new ConfigurationException($"{section.Path} is '{set}'{Origin(root, section.Path)}: expected {range.Describe(target)}.");
            }
            return;
        }
        if (ElementType(target) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                CheckValue(element, item, root);
            }
            return;
        }
        if (target.IsClass && section.GetChildren().Any())
        {
            Check(target, section, root);
        }
    }

    /// <summary>The binder's own test of a "simple" type: a converter from string.</summary>
    private static bool IsScalar(Type type) => TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static bool Converts(Type type, string value)
    {
        try
        {
            // What the binder itself calls for a simple type; an empty value binds to the type's default.
            return value.Length == 0 || TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var only])
        {
            return only;
        }
        return null;
    }

    private static string Expected(Type type)
    {
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 =>
                $"a whole number from {Bound(type, "MinValue")} to {Bound(type, "MaxValue")}",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number like 0.5",
            TypeCode.DateTime => "a date and time like 2024-01-31T12:00:00Z",
            _ when type == typeof(TimeSpan) => "a duration like 00:05:00 (hours:minutes:seconds; days as 1.00:00:00)",
            _ when type == typeof(DateTimeOffset) => "a date and time like 2024-01-31T12:00:00Z",
            _ when type == typeof(Guid) => "a GUID like 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            _ when type == typeof(Uri) => "a URI",
            _ => $"a value of the form {type.Name} takes",
        };
    }

    private static string Bound(Type type, string field) =>
        Convert.ToString(type.GetField(field)!.GetValue(null), CultureInfo.InvariantCulture)!;

    /// <summary>" (in FILE)", " (from environment variable …)", " (from the command line)": the last source that sets
    /// the path is the one whose value counts.</summary>
    private static string Origin(IConfiguration configuration, string path)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "";
        }
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(path, out _))
            {
                continue;
            }
            return provider switch
            {
                JsonConfigurationProvider json => $" (in {json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path})",
                EnvironmentVariablesConfigurationProvider => $" (from environment variable {EmporiumConfiguration.EnvironmentPrefix}{path.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()})",
                MemoryConfigurationProvider => " (from the command line)",
                ChainedConfigurationProvider chained => Origin(chained.Configuration, path),
                _ => "",
            };
        }
        return "";
    }
}
