using Emporium.Cli.Commands;
using Emporium.Cli.Commands.Client;
using DuckDB.NET.Data;
using Emporium.Batch.Formats;
using Emporium.Datasets;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Commands;

public class SendCommandTests
{
    [Fact]
    public async Task SendingTheSameFileTwiceAppendsItOnce()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var path = SampleData.CategoriesJsonLines;
        var expectedIds = File.ReadLines(path).Where(l => l.Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();

        var first = await SendCommand.SendAsync(host.Client, await Open(path), "categories", 50, TextWriter.Null, CancellationToken.None);
        var second = await SendCommand.SendAsync(host.Client, await Open(path), "categories", 50, TextWriter.Null, CancellationToken.None);

        Assert.Equal(expectedIds.Count, first.Accepted);
        Assert.Equal(first, second with { FirstErrors = first.FirstErrors, Replayed = 0, Reasons = first.Reasons });
        Assert.Equal((expectedIds.Count + 49) / 50, first.Batches);
        // The second send is told that the server answered every batch from the first one.
        Assert.Equal((0, first.Batches), (first.Replayed, second.Replayed));
        var appended = log.Messages("categories").Select(m => (long)CanonicalJson.Deserialize(DatasetCatalog.Categories, m.Value.Span)["id"]!).ToList();
        Assert.Equal(expectedIds, appended);
    }

    /// <summary>Two arrays of one file sent with two --json-path values are two sends: the second was refused whole
    /// (422, "this key was already used for a request with a different body") since the keys named the file alone. The
    /// same records picked again, by another spelling of the path or by the detection, are still sent once.</summary>
    [Fact]
    public async Task Another_json_path_of_the_same_file_sends_its_own_records_and_the_same_one_sends_them_once()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        using var dir = new TempDir("send-json-path");
        var path = dir.Combine("two.json");
        File.WriteAllText(path, """{"a":[{"id":1,"category_name":"A"}],"b":[{"id":2,"category_name":"B"},{"id":3,"category_name":"C"}]}""");
        async Task<SendCommand.Summary> Send(string? jsonPath)
        {
            using var reader = await SendFileReader.OpenAsync(path, ReadSettings.Default with { JsonPath = jsonPath }, CancellationToken.None);
            return await SendCommand.SendAsync(host.Client, reader, "categories", 50, TextWriter.Null, CancellationToken.None);
        }

        var a = await Send("a");
        var b = await Send("b");
        var bAgain = await Send("$.b[*]");
        var detected = await Send(null);

        Assert.Equal((1L, 0), (a.Accepted, a.Replayed));
        Assert.Equal((2L, 0L, 0), (b.Accepted, b.Rejected, b.Replayed));
        Assert.Equal((2L, 1), (bAgain.Accepted, bAgain.Replayed));
        Assert.Equal((1L, 1), (detected.Accepted, detected.Replayed));
        var appended = log.Messages("categories").Select(m => (long)CanonicalJson.Deserialize(DatasetCatalog.Categories, m.Value.Span)["id"]!).ToList();
        Assert.Equal([1L, 2L, 3L], appended);
    }

    /// <summary>A <c>--data</c> that no server owns is an error naming it: the send went to whatever answered on
    /// 127.0.0.1:5080, the server of another data dir when one ran there, and its records landed in that one.</summary>
    [Fact]
    public async Task A_data_dir_no_server_owns_is_refused_not_sent_to_the_default_url()
    {
        using var dir = new TempDir("send-unowned");

        var (code, output) = await Emporium.Tests.Batch.BatchCli.RunAsync("send", SampleData.CategoriesJsonLines, "--dataset", "categories", "--data", dir.Path);

        Assert.True(code == 2, output);
        Assert.Contains($"emporium send: no Emporium server owns the data dir {dir.Path}: start one with emporium up --data {dir.Path}, or name a server with --url", output, StringComparison.Ordinal);
        Assert.DoesNotContain("5080", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));

        // Named by the environment instead of --data: the same.
        (code, output) = await Emporium.Tests.Batch.BatchCli.RunAsync(new Dictionary<string, string> { ["EMPORIUM__DATADIR"] = dir.Path },
            "send", SampleData.CategoriesJsonLines, "--dataset", "categories");
        Assert.True(code == 2, output);
        Assert.Contains($"emporium send: no Emporium server owns the data dir {dir.Path}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_send_of_the_same_file_through_the_cli_says_nothing_was_appended_again()
    {
        await using var server = await Emporium.Tests.Web.Dashboard.EmporiumProcess.StartAsync();
        var path = SampleData.CategoriesJsonLines;
        var records = File.ReadLines(path).Count(l => l.Length > 0);

        var (code, first) = await Emporium.Tests.Batch.BatchCli.RunAsync("send", path, "--dataset", "categories", "--batch", "100", "--data", server.Data.Path);
        Assert.True(code == 0, first);
        Assert.Contains($"{records} accepted, 0 rejected, 0 unreadable in {(records + 99) / 100} batch(es)", first, StringComparison.Ordinal);
        Assert.DoesNotContain("sent before", first, StringComparison.Ordinal);

        var (again, second) = await Emporium.Tests.Batch.BatchCli.RunAsync("send", path, "--dataset", "categories", "--batch", "100", "--data", server.Data.Path);

        Assert.True(again == 0, second);
        Assert.Contains("every batch had been sent before (same file, same --batch): answered from that send, nothing appended again", second, StringComparison.Ordinal);
    }

    /// <summary>The categories file sent as orders: every record lacks the order fields, and the summary says so in a
    /// few lines (how many records had each problem) before the first records.</summary>
    [Fact]
    public async Task A_wrong_file_is_summed_up_by_field_and_reason()
    {
        await using var server = await Emporium.Tests.Web.Dashboard.EmporiumProcess.StartAsync();
        var path = SampleData.CategoriesJsonLines;
        var records = File.ReadLines(path).Count(l => l.Length > 0);

        var (code, output) = await Emporium.Tests.Batch.BatchCli.RunAsync("send", path, "--dataset", "orders", "--data", server.Data.Path);

        Assert.True(code == 3, output);
        Assert.Contains($"0 accepted, {records} rejected", output, StringComparison.Ordinal);
        foreach (var field in new[] { "invoice_no", "quantity", "unit_price" })
        {
            Assert.Matches($@"\s{records:N0} record\(s\)  {field}: required field is missing", output);
        }
        Assert.Contains("  record 1: invoice_no: required field is missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectedRecordsAreCountedWithTheirFileRecordNumber()
    {
        using var dir = new TempDir("send");
        var file = dir.Combine("orders.json");
        File.WriteAllText(file, """[{"invoice_no":"1","quantity":1,"unit_price":2.0},{"invoice_no":"2","quantity":"x","unit_price":2.0},{"invoice_no":"3","quantity":3,"unit_price":1.0}]""");
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var summary = await SendCommand.SendAsync(host.Client, await Open(file), "orders", 2, TextWriter.Null, CancellationToken.None);
        Assert.Equal(2, summary.Accepted);
        Assert.Equal(1, summary.Rejected);
        Assert.Equal((2L, "quantity"), (summary.FirstErrors[0].Record, summary.FirstErrors[0].Field));
        Assert.Equal([("quantity", summary.FirstErrors[0].Error, 1L)], summary.Reasons);
        Assert.Equal(2, log.Messages("orders").Count);
    }

    /// <summary>Unreadable rows are tallied by what is wrong with them; where (their line) is in the first ones listed.</summary>
    [Fact]
    public async Task Unreadable_rows_are_tallied_by_reason_not_by_line()
    {
        using var dir = new TempDir("send");
        var file = dir.Combine("orders.ndjson");
        File.WriteAllLines(file, ["""{"invoice_no":"1","quantity":1,"unit_price":2.0}""", "{broken", "{broken too", """{"invoice_no":"2","quantity":1,"unit_price":2.0}"""]);
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), new StrictTestNormalizer());

        var summary = await SendCommand.SendAsync(host.Client, await Open(file), "orders", 10, TextWriter.Null, CancellationToken.None);

        Assert.Equal((2L, 2L), (summary.Accepted, summary.Unreadable));
        Assert.Equal(["unreadable (line 2): ", "unreadable (line 3): "], summary.FirstErrors.Select(e => e.Error[..21]));
        var reason = Assert.Single(summary.Reasons);
        Assert.Equal(("unreadable: invalid JSON at byte 2: 'b' is an invalid start of a property name. Expected a '\"'.", 2L), (reason.Error, reason.Records));
    }

    /// <summary>A JSON lines file of one line is one record, whether its name or --format says so (the content alone
    /// reads like a JSON document holding no array of records).</summary>
    [Fact]
    public async Task A_json_lines_file_of_one_record_sends_that_record()
    {
        using var dir = new TempDir("one-line");
        var named = dir.Combine("one.ndjson");
        var unnamed = dir.Combine("one.txt");
        File.WriteAllText(named, "{\"id\": 7, \"category_name\": \"Luggage\"}\n");
        File.Copy(named, unnamed);

        foreach (var reader in new[] { await Open(named), await SendFileReader.OpenAsync(unnamed, ReadSettings.Default with { Format = FileFormat.Ndjson }, CancellationToken.None) })
        {
            using (reader)
            {
                var row = System.Text.Json.JsonDocument.Parse(Assert.Single(await reader.ReadAsync(CancellationToken.None).ToListAsync()).Json!).RootElement;
                Assert.Equal(7, row.GetProperty("id").GetInt32());
            }
        }
    }

    /// <summary>A row the client cannot serialize (a lone surrogate escape) stopped the whole send with
    /// "could not be serialized"; it is now refused on its own and the rows around it are sent.</summary>
    [Fact]
    public async Task A_row_with_a_lone_surrogate_escape_is_refused_alone()
    {
        using var dir = new TempDir("surrogate");
        var path = dir.Combine("categories.ndjson");
        File.WriteAllText(path, "{\"id\":801,\"category_name\":\"good\"}\n{\"id\":802,\"category_name\":\"bad\\ud800\"}\n{\"id\":803,\"category_name\":\"also good\"}\n");

        using var reader = await Open(path);
        var rows = await reader.ReadAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(3, rows.Count);
        Assert.NotNull(rows[0].Json);
        Assert.Null(rows[1].Json);
        Assert.StartsWith("not valid text: a \\u escape is half of a UTF-16 surrogate pair", rows[1].Error);
        Assert.Equal(803, System.Text.Json.JsonDocument.Parse(rows[2].Json!).RootElement.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task CsvRowsBecomeObjectsWithNullForEmptyFields()
    {
        using var dir = new TempDir("csv");
        var file = dir.Combine("x.csv");
        File.WriteAllText(file, "InvoiceNo,Description,CustomerID\n536365,\"WHITE, HANGING\",\n");
        var rows = await (await Open(file)).ReadAsync(CancellationToken.None).ToListAsync();
        var row = System.Text.Json.JsonDocument.Parse(Assert.Single(rows).Json!).RootElement;
        Assert.Equal("WHITE, HANGING", row.GetProperty("Description").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("CustomerID").ValueKind);
    }

    [Fact]
    public async Task A_parquet_file_sends_the_same_orders_as_the_csv_it_was_made_from()
    {
        // Parquet was refused before send read files with the batch loader's readers.
        using var dir = new TempDir("send-parquet");
        var parquet = dir.Combine("orders.parquet");
        using (var duck = new DuckDBConnection("Data Source=:memory:"))
        {
            duck.Open();
            using var cmd = duck.CreateCommand();
            cmd.CommandText = $"COPY (SELECT * FROM read_csv('{SampleData.OnlineRetail}', header = true, all_varchar = true)) TO '{parquet}' (FORMAT parquet)";
            cmd.ExecuteNonQuery();
        }

        var fromCsv = await SendOrdersAsync(SampleData.OnlineRetail);
        var fromParquet = await SendOrdersAsync(parquet);

        Assert.Equal(SampleRows.Csv(SampleData.OnlineRetail).Count, fromCsv.Count);
        Assert.Equal(fromCsv, fromParquet);
    }

    [Fact]
    public async Task A_semicolon_csv_is_read_with_its_sniffed_dialect()
    {
        using var dir = new TempDir("send-dialect");
        var file = dir.Combine("orders.csv");
        var rows = SampleRows.Csv(SampleData.OnlineRetail).Take(50).ToList();
        var header = rows[0].Keys.ToList();
        File.WriteAllLines(file, [string.Join(';', header), .. rows.Select(r => string.Join(';', header.Select(h => Quote(r[h]))))]);

        var expected = (await SendOrdersAsync(SampleData.OnlineRetail)).Take(50).ToList();
        Assert.Equal(50, expected.Count);
        Assert.Equal(expected, await SendOrdersAsync(file));
    }

    [Fact]
    public async Task A_gzipped_file_sends_the_same_records_as_the_plain_one_and_leaves_no_scratch_copy()
    {
        using var dir = new TempDir("send-gz");
        var gz = Emporium.Tests.Batch.BatchTestFiles.Gzip(SampleData.OnlineRetail, dir.Combine("online_retail_sample.csv.gz"));

        var plain = await SendOrdersAsync(SampleData.OnlineRetail);
        var compressed = await SendOrdersAsync(gz);

        Assert.Equal(File.ReadLines(SampleData.OnlineRetail).Count() - 1, plain.Count);
        Assert.Equal(plain, compressed);
        using var reader = await Open(gz);
        Assert.Equal(gz, reader.Path);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(gz))), reader.Sha256);
        var scratch = Directory.GetParent(reader.ReadPath)!.FullName;
        Assert.Equal(File.ReadAllBytes(SampleData.OnlineRetail), File.ReadAllBytes(reader.ReadPath));
        reader.Dispose();
        Assert.False(Directory.Exists(scratch));
    }

    /// <summary>The client killed while it waits for the server, its gzip file decompressed into a scratch copy in
    /// the OS temp folder: the copy stays behind, and the next emporium command on the machine deletes it (and only
    /// what dead processes left).</summary>
    [Fact]
    public async Task A_killed_send_leaves_its_scratch_copy_and_the_next_command_deletes_it()
    {
        using var dir = new TempDir("send-kill");
        var temp = Directory.CreateDirectory(dir.Combine("tmp")).FullName;
        var gz = Emporium.Tests.Batch.BatchTestFiles.Gzip(SampleData.OnlineRetail, dir.Combine("orders.csv.gz"));
        await using var stalled = await StubHttpServer.StartAsync(async (context, _) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        var env = new Dictionary<string, string> { ["TMPDIR"] = temp };
        var live = Emporium.Lake.ScratchFolder.NewPath(temp, "send");
        Directory.CreateDirectory(live);
        File.WriteAllText(Path.Combine(temp, "emporium-notes.txt"), "not a scratch name");

        var output = new System.Text.StringBuilder();
        using (var process = Emporium.Tests.Batch.BatchCli.Start(["send", gz, "--dataset", "orders", "--url", stalled.BaseUrl.ToString()], output, env))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (stalled.Requests.IsEmpty)
            {
                Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "the send never reached the server: " + output);
                await Task.Delay(50);
            }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var left = Assert.Single(Directory.GetDirectories(temp), d => d != live);
        Assert.Equal(File.ReadAllBytes(SampleData.OnlineRetail), File.ReadAllBytes(Assert.Single(Directory.GetFiles(left, "*", SearchOption.AllDirectories))));

        var (code, text) = await Emporium.Tests.Batch.BatchCli.RunAsync(env, "send", "--help");

        Assert.True(code == 0, text);
        Assert.False(Directory.Exists(left));
        Assert.True(Directory.Exists(live), "the scratch of a running process (this one) must stay");
        Assert.True(File.Exists(Path.Combine(temp, "emporium-notes.txt")));
    }

    private static string Quote(string? value) => value is null ? "" : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static Task<SendFileReader> Open(string path) => SendFileReader.OpenAsync(path, ReadSettings.Default, CancellationToken.None);

    /// <summary>Sends a file of UCI orders through the real normalizer and returns what reached the log.</summary>
    private static async Task<List<string>> SendOrdersAsync(string path)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        using var file = await Open(path);
        var summary = await SendCommand.SendAsync(host.Client, file, "orders", 1000, TextWriter.Null, CancellationToken.None);
        Assert.Equal(0, summary.Rejected + summary.Unreadable);
        // Each request tags its records with its own idempotency tag (_ingest); the records themselves are compared.
        return log.Messages("orders").Select(m => WithoutIngestTag(m.Value.Span)).ToList();
    }

    private static string WithoutIngestTag(ReadOnlySpan<byte> json)
    {
        var record = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        record.Remove(CanonicalJson.IngestMember.Value);
        return record.ToJsonString();
    }
}
