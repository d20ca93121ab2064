using Emporium.Configuration;
using Emporium.Lake.S3;
using Emporium.Log.Kafka;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Configuration;

/// <summary>Every backend's refusal of its address masks a credential the same way (<see cref="SecretMask.Text"/>):
/// each masked only the part its own format usually carries, so a PostgreSQL password given as a query parameter, a
/// Kafka or S3 address with <c>user:pass@</c>, or an S3 key given as a parameter was printed as written.</summary>
public sealed class AddressSecretMaskTests
{
    private static void AssertMasked(string message, string shown)
    {
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        Assert.Contains(shown, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_password_given_as_a_query_parameter_is_masked() =>
        AssertMasked(Assert.Throws<FormatException>(() => PostgresAddress.ToOptions("postgres://app@db/shop?Password=hunter2&sslmod=require")).Message,
            "'postgres://app@db/shop?Password=***&sslmod=require'");

    [Theory]
    [InlineData("kafka://alice:hunter2@broker")]
    [InlineData("kafka://alice:hunter2@broker:9092")]
    public void A_kafka_address_with_a_user_and_password_is_refused_masked_and_says_where_sasl_credentials_go(string address)
    {
        var e = Assert.Throws<BackendConfigurationException>(() => KafkaEventLogFactory.Parse(address));
        AssertMasked(e.Message, "kafka://alice:***@broker");
        Assert.Contains("sasl.username", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://shop-lake/prod?secret_key=hunter2", "'s3://shop-lake/prod?secret_key=***'")]
    [InlineData("s3://AKIA:hunter2@shop-lake/prod", "'s3://AKIA:***@shop-lake/prod'")]
    public void An_s3_address_carrying_a_secret_key_is_refused_masked(string address, string shown) =>
        AssertMasked(Assert.Throws<BackendConfigurationException>(() => S3LakeBackendFactory.Parse(address)).Message, shown);

    [Fact]
    public void A_backend_address_shows_itself_masked() =>
        AssertMasked(new BackendAddress(BackendKind.Warehouse, "postgres", "postgres://app:hunter2@db/shop", null).ToString(), "postgres://app:***@db/shop");
}
