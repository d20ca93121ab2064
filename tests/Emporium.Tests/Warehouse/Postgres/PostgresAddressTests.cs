using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Warehouse.Postgres;

public sealed class PostgresAddressTests
{
    [Fact]
    public void A_uri_becomes_a_connection_string_with_unescaped_credentials_and_options()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresAddress.ToConnectionString("postgres://app%40corp:p%3Ass@db.internal:6543/shop?sslmode=require"));
        Assert.Equal(("app@corp", "p:ss", "db.internal", 6543, "shop", SslMode.Require), (b.Username, b.Password, b.Host, b.Port, b.Database, b.SslMode));
        Assert.Equal(5432, new NpgsqlConnectionStringBuilder(PostgresAddress.ToConnectionString("postgresql://u@h/d")).Port);
    }

    [Theory]
    [InlineData("postgres://user:hunter2@host")]
    [InlineData("postgres:///db")]
    [InlineData("mysql://u:hunter2@h/d")]
    public void Incomplete_addresses_are_refused_without_echoing_the_password(string uri)
    {
        var e = Assert.Throws<FormatException>(() => PostgresAddress.ToConnectionString(uri));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u@h/d", PostgresLoadMethod.BinaryCopy)]
    [InlineData("postgres://u@h/d?load_method=multi_row_insert&sslmode=require", PostgresLoadMethod.MultiRowInsert)]
    [InlineData("postgres://u@h/d?load_method=single_row_insert", PostgresLoadMethod.SingleRowInsert)]
    public void The_load_method_comes_from_the_address_and_is_not_passed_to_npgsql(string uri, PostgresLoadMethod expected)
    {
        var options = PostgresAddress.ToOptions(uri);
        Assert.Equal(expected, options.LoadMethod);
        Assert.DoesNotContain("load", options.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unknown_load_method_is_refused_naming_the_choices()
    {
        var e = Assert.Throws<FormatException>(() => PostgresAddress.ToOptions("postgres://u:hunter2@h/d?load_method=fast"));
        Assert.Contains("load_method='fast'", e.Message, StringComparison.Ordinal);
        Assert.Contains("multi_row_insert", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Npgsql's own words ("Couldn't set nosuchkeyword (Parameter 'nosuchkeyword')") did not say that the
    /// address's query parameters are Npgsql keywords, nor which parameter of the address was at fault.</summary>
    [Theory]
    [InlineData("postgres://u:hunter2@h/d?sslmod=require", "query parameter 'sslmod' is not an Npgsql connection-string keyword")]
    [InlineData("postgres://u:hunter2@h/d?sslmode=sometimes", "query parameter 'sslmode' has a value Npgsql does not accept")]
    public void A_parameter_npgsql_does_not_take_is_refused_naming_it(string uri, string reason)
    {
        var e = Assert.Throws<FormatException>(() => PostgresAddress.ToOptions(uri));
        Assert.StartsWith($"'postgres://u:***@h/d?{uri.Split('?')[1]}': {reason}", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(query parameters are Npgsql keywords such as sslmode or timeout, and load_method)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A password with an unescaped <c>@</c> or <c>#</c> makes the address unreadable; the refusal masked
    /// only up to the first <c>@</c>, printing the rest of the password, and did not say what to escape.</summary>
    [Theory]
    [InlineData("postgres://app:hun@ter2@db:5432/shop", "postgres://app:***@db:5432/shop")]
    [InlineData("postgres://app:hun#ter2@db:5432/shop", "postgres://app:***@db:5432/shop")]
    public void A_password_with_unescaped_characters_is_refused_without_any_of_it_and_says_to_escape(string uri, string shown)
    {
        var e = Assert.Throws<FormatException>(() => PostgresAddress.ToConnectionString(uri));

        Assert.Equal($"'{shown}' is not a postgres://user:pass@host:port/database address "
            + "(URL-escape @ : / ? # % in the user name and password: %40 %3A %2F %3F %23 %25)", e.Message);
    }

    [Fact]
    public void Redact_masks_only_the_password() =>
        Assert.Equal("postgres://u:***@h:1/d", PostgresAddress.Redact("postgres://u:secret@h:1/d"));
}
