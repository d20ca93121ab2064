using System.Runtime.InteropServices;
using System.Text.Json;
using Emporium.Datasets.Values;
using Emporium.Diagnostics;

namespace Emporium.Datasets;

/// <summary>The one normalizer behind the stream path (JSON) and the batch path (CSV/XLSX rows as text).
/// <list type="bullet">
/// <item>Field names are matched by <see cref="FieldNameMatcher"/>; unknown fields are ignored.</item>
/// <item>When several input fields map to one column, a non-empty value beats an empty one, then the canonical name
/// beats the aliases, then aliases in catalog order (McAuley's <c>unixReviewTime</c> over <c>reviewTime</c>).</item>
/// <item>Values are converted by <see cref="ValueConverter"/>; every bad field is reported, not just the first.</item>
/// <item>Dataset rules: reviews without an id get <see cref="ReviewIdentity"/>; a review's <c>asins</c> list keeps
/// its first ASIN.</item>
/// </list>
/// Thread-safe and allocation-light: per record only the values array, boxed numbers and the strings the record
/// keeps are allocated (plus the errors of a bad record).</summary>
public sealed class RecordNormalizer : IRecordNormalizer
{
    /// <summary>Columns tracked on the stack; wider schemas use a heap array.</summary>
    private const int StackColumns = 64;

    public static RecordNormalizer Instance { get; } = new();

    public NormalizeResult Normalize(DatasetSchema schema, JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return NormalizeResult.Fail(new FieldError("$", $"expected a JSON object, got {DescribeKind(input.ValueKind)}"));
        }
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(input));
        reader.Read();
        return Normalize(schema, ref reader);
    }

    /// <summary>Normalizes straight from the bytes: no document, and a field name or value becomes a string only
    /// when the record keeps it (or an error names it).</summary>
    public NormalizeResult Normalize(DatasetSchema schema, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ArgumentException($"the reader must be on the start of an object, not on {reader.TokenType}", nameof(reader));
        }
        var matcher = FieldNameMatcher.For(schema);
        var count = schema.Columns.Count;
        var acc = new Accumulator(schema, count <= StackColumns ? stackalloc Slot[count] : new Slot[count]);
        var name = ReadOnlySpan<byte>.Empty;
        var depth = reader.CurrentDepth;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                name = reader.ValueSpan;
                reader.Read();
                if (matcher.TryMatchUtf8(name, out var match))
                {
                    acc.Offer(match, ValueConverter.Convert(schema.Columns[match.Column], ref reader), name);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (JsonErrorText.IsInvalidText(e))
        {
            // Only this record is refused (a dead letter, a quarantined row); it used to fail the request or the file.
            // The reader is left at the record's end, as after a normal pass, so the caller reads on after it.
            while (!(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth) && reader.Read())
            {
            }
            return NormalizeResult.Fail(new FieldError(name.IsEmpty ? "$" : System.Text.Encoding.UTF8.GetString(name), JsonErrorText.InvalidTextReason(e)));
        }
        return acc.Finish();
    }

    public NormalizeResult Normalize(DatasetSchema schema, IReadOnlyDictionary<string, string?> input)
    {
        var matcher = FieldNameMatcher.For(schema);
        var count = schema.Columns.Count;
        var acc = new Accumulator(schema, count <= StackColumns ? stackalloc Slot[count] : new Slot[count]);
        foreach (var (name, value) in input)
        {
            if (matcher.TryMatch(name, out var match))
            {
                acc.Offer(match, ValueConverter.Convert(schema.Columns[match.Column], value), name);
            }
        }
        return acc.Finish();
    }

    /// <summary>A JSON value's kind as error messages name it ("expected a JSON object, got an array").</summary>
    internal static string DescribeKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DatasetSchema, (int Column, int MaxBytes, string What)[]> Limited = new();

    /// <summary>The text columns with a byte limit: those of the schema's key (<see cref="DatasetSchema.MaxKeyBytes"/>)
    /// and those declaring <see cref="ColumnSchema.MaxBytes"/>.</summary>
    private static (int Column, int MaxBytes, string What)[] LimitedColumns(DatasetSchema schema) =>
        Limited.GetValue(schema, static s => s.Columns.Select((c, i) => (c, i))
            .Where(x => x.c.Type == ColumnType.Text && (x.c.MaxBytes is not null || s.Key.Contains(x.c.Name)))
            .Select(x => x.c.MaxBytes is { } max ? (x.i, max, "a lake partition value") : (x.i, DatasetSchema.MaxKeyBytes, "a key"))
            .ToArray());

    /// <summary>Whether a text value of the record is over its column's byte limit; allocates nothing, as it runs for
    /// every record ingest takes and the processor decodes (<see cref="LimitErrors"/> says which and why).</summary>
    internal static bool AnyOverLimit(DatasetSchema schema, IReadOnlyList<object?> values)
    {
        foreach (var (i, max, _) in LimitedColumns(schema))
        {
            if (BytesOverLimit(values[i], max) is not null)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The UTF-8 length of <paramref name="value"/> when it is a text of more than <paramref name="max"/> bytes.</summary>
    private static int? BytesOverLimit(object? value, int max) =>
        // A UTF-16 unit takes at most three bytes of UTF-8, so a short value is not measured.
        value is string text && text.Length > max / 3 && System.Text.Encoding.UTF8.GetByteCount(text) is var bytes && bytes > max
            ? bytes
            : null;

    /// <summary>The text values of a record over their column's byte limit (<see cref="LimitedColumns"/>), each with
    /// its column's index and the error the normalizer gives it. Also what the stream processor checks a record of the
    /// log against: one written before a limit existed is refused as ingest would refuse it now.</summary>
    internal static IEnumerable<(int Column, FieldError Error)> LimitErrors(DatasetSchema schema, IReadOnlyList<object?> values)
    {
        foreach (var (i, max, what) in LimitedColumns(schema))
        {
            if (BytesOverLimit(values[i], max) is { } bytes)
            {
                yield return (i, new FieldError(schema.Columns[i].Name, $"{what} may have at most {max} bytes of UTF-8, this one has {bytes}"));
            }
        }
    }

    /// <summary>The error of a field given twice in one object with different values.</summary>
    public const string DuplicateField = "given twice in the record with different values";

    private enum SlotState : byte
    {
        Absent,
        Empty,
        Filled,
    }

    /// <summary>What was seen so far for one column.</summary>
    private struct Slot
    {
        public SlotState State;
        public int Rank;
    }

    /// <summary>Collects the best candidate per column, then validates and builds the record.</summary>
    private ref struct Accumulator(DatasetSchema schema, Span<Slot> slots)
    {
        private readonly Span<Slot> _slots = slots;
        private readonly object?[] _values = new object?[schema.Columns.Count];
        private FieldError?[]? _errors;

        public void Offer(FieldNameMatcher.Match match, ConvertedValue converted, ReadOnlySpan<byte> rawName)
        {
            if (Accept(match, converted))
            {
                // The input's own spelling is only needed for an error, so only then is it allocated.
                var needsName = converted.Error is not null || (converted.IsEmpty && schema.Columns[match.Column].Required);
                SetError(match.Column, converted, needsName ? FieldNameMatcher.DecodeJsonName(rawName) : null);
            }
            else if (Conflicts(match, converted))
            {
                (_errors ??= new FieldError?[schema.Columns.Count])[match.Column] = new FieldError(FieldNameMatcher.DecodeJsonName(rawName), DuplicateField);
            }
        }

        /// <summary>The same field twice in one object (<c>{"asin":"A","asin":"B"}</c>) with two values: which one the
        /// sender meant cannot be told, so the record is refused rather than the first value silently kept. The same
        /// value twice is harmless.</summary>
        private readonly bool Conflicts(FieldNameMatcher.Match match, ConvertedValue converted) =>
            !converted.IsEmpty && converted.Error is null
            && _slots[match.Column] is { State: SlotState.Filled } slot && slot.Rank == match.Rank
            && !Equals(_values[match.Column], converted.Value);

        public void Offer(FieldNameMatcher.Match match, ConvertedValue converted, string name)
        {
            if (Accept(match, converted))
            {
                SetError(match.Column, converted, name);
            }
            else if (Conflicts(match, converted))
            {
                // A header that repeats a column (CSV, a workbook): the rule of a JSON record's repeated key.
                (_errors ??= new FieldError?[schema.Columns.Count])[match.Column] = new FieldError(name, DuplicateField);
            }
        }

        public NormalizeResult Finish()
        {
            var columns = schema.Columns;
            for (var i = 0; i < columns.Count; i++)
            {
                if (columns[i].Required && _slots[i].State == SlotState.Absent)
                {
                    (_errors ??= new FieldError?[columns.Count])[i] = new FieldError(columns[i].Name, "required field is missing");
                }
            }
            foreach (var (i, error) in AnyOverLimit(schema, _values) ? LimitErrors(schema, _values) : [])
            {
                (_errors ??= new FieldError?[columns.Count])[i] = error;
            }
            if (_errors is not null)
            {
                // A field's error may have been withdrawn when a better field for its column came later.
                var list = new List<FieldError>();
                foreach (var e in _errors)
                {
                    if (e is not null)
                    {
                        list.Add(e);
                    }
                }
                if (list.Count > 0)
                {
                    return new NormalizeResult(null, list);
                }
            }
            DatasetRules.Apply(schema, _values);
            return NormalizeResult.Ok(new CanonicalRecord(schema, _values));
        }

        /// <summary>Takes the candidate when it is better than what the column holds; stores its value.</summary>
        private bool Accept(FieldNameMatcher.Match match, ConvertedValue converted)
        {
            ref var slot = ref _slots[match.Column];
            var state = converted.IsEmpty ? SlotState.Empty : SlotState.Filled;
            var better = state > slot.State || (state == slot.State && match.Rank < slot.Rank);
            if (!better)
            {
                return false;
            }
            slot.State = state;
            slot.Rank = match.Rank;
            _values[match.Column] = converted.Value;
            return true;
        }

        private void SetError(int column, ConvertedValue converted, string? field)
        {
            var schemaColumn = schema.Columns[column];
            string? error = converted.Error ?? (converted.IsEmpty && schemaColumn.Required
                ? converted.SentAsNoValue is { } sent ? $"required, but {sent} means no value" : "required, but the value is empty"
                : null);
            if (error is not null)
            {
                (_errors ??= new FieldError?[schema.Columns.Count])[column] = new FieldError(field ?? schemaColumn.Name, error);
            }
            else if (_errors is not null)
            {
                _errors[column] = null;
            }
        }
    }
}
