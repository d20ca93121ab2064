using Emporium.Configuration;

namespace Emporium.Tests.Configuration;

public class SecretMaskTests
{
    [Theory]
    [InlineData("Host=db;Username=app;Password=hunter2;Database=shop", "Password=***")]
    [InlineData("Host=db;PWD=hunter2", "PWD=***")]
    [InlineData("Host=db;Password='hun;ter2';Database=shop", "Password=***")]
    [InlineData("postgres://app:hunter2@db:5432/shop", "postgres://app:***@db:5432/shop")]
    [InlineData("postgres://app:hun@ter2@db/shop", "postgres://app:***@db/shop")]
    [InlineData("kafka://h:9092?sasl.username=u&sasl.password=hunter2", "kafka://h:9092?sasl.username=u&sasl.password=***")]
    [InlineData("Host=db;Password='hunter2", "***")]
    [InlineData("https://api.example.com/v1/search?api_key=hunter2&country=US", "?api_key=***&country=US")]
    [InlineData("https://api.example.com/v1/search?key=hunter2", "?key=***")]
    // libpq's keyword=value form (psql's, also what a pg_connection is often given as) reads as one keyword whose
    // value holds the others: the password in it was shown as it is.
    [InlineData("host=db user=app password=hunter2 dbname=shop", "***")]
    [InlineData("host=db port=5432 password='hun ter2' dbname=shop", "***")]
    [InlineData("Host=db;Username=app Password=hunter2;Database=shop", "***")]
    public void Credentials_in_addresses_and_connection_strings_are_masked(string value, string shown)
    {
        var masked = SecretMask.Text(value);

        Assert.DoesNotContain("hunter2", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("ter2", masked, StringComparison.Ordinal);
        // Keywords may come back in another case: they are case-insensitive.
        Assert.Contains(shown, masked, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_rest_of_a_connection_string_stays_readable()
    {
        var masked = SecretMask.Text("Host=db;Username=app;Password=hunter2;Database=shop");

        Assert.Contains("Host=db", masked, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Database=shop", masked, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Username=app", masked, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("rows", "7", "7")]
    [InlineData("pg_table", "public.user_purchase", "public.user_purchase")]
    [InlineData("api_token", "abc", "***")]
    [InlineData("pg_password", "hunter2", "***")]
    [InlineData("pg_query", "select * from t where ds = '{ds}'", "select * from t where ds = '{ds}'")]
    // seller_catalog's own credential, shown to every read-scope key in its runs' params.
    [InlineData("api_key", "hunter2", "***")]
    [InlineData("apikey", "hunter2", "***")]
    [InlineData("X-Api-Key", "hunter2", "***")]
    [InlineData("access_key", "hunter2", "***")]
    [InlineData("api_key_header", "X-RapidAPI-Key", "X-RapidAPI-Key")]
    [InlineData("monkey", "banana", "banana")]
    // A webhook's URL is all it takes to post there.
    [InlineData("webhooks", "https://hooks.example.com/services/T0/B0/s3cr3t", "***")]
    public void A_setting_named_for_a_credential_is_masked_whole_and_others_are_kept(string key, string value, string shown) =>
        Assert.Equal(shown, SecretMask.Value(key, value));
}
