using System.Collections;
using System.Collections.ObjectModel;
using System.Data.Common;
using Emporium.Datasets;

namespace Emporium.Demo;

/// <summary>A forward-only <see cref="DbDataReader"/> over a demo generator, so generated rows go straight into
/// anything that consumes ADO.NET readers (a CSV writer, a database bulk loader) without being held in memory.</summary>
public sealed class DemoDataReader : DbDataReader, IDbColumnSchemaGenerator
{
    private readonly IDemoGenerator _generator;
    private readonly long _rows;
    private readonly object?[] _values;
    private readonly Action<long>? _progress;
    private readonly CancellationToken _cancellationToken;
    private long _read;
    private bool _closed;

    /// <param name="generator">The rows' source.</param>
    /// <param name="rows">How many rows to read (capped at <see cref="IDemoGenerator.MaxRows"/>).</param>
    /// <param name="progress">Called with the number of rows read so far, every 8192 rows and at the end.</param>
    /// <param name="cancellationToken">Stops reading (throws) when cancelled.</param>
    public DemoDataReader(IDemoGenerator generator, long rows, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        _generator = generator;
        _rows = generator.MaxRows is { } max ? Math.Min(max, rows) : rows;
        _values = new object?[generator.Schema.Columns.Count];
        _progress = progress;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Rows this reader will produce.</summary>
    public long Rows => _rows;

    private DatasetSchema Schema => _generator.Schema;

    public override bool Read()
    {
        if (_read >= _rows)
        {
            _progress?.Invoke(_read);
            return false;
        }
        if ((_read & 8191) == 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (_read > 0)
            {
                _progress?.Invoke(_read);
            }
        }
        _generator.Next(_values);
        _read++;
        return true;
    }

    public override int FieldCount => _values.Length;

    public override string GetName(int ordinal) => Schema.Columns[ordinal].Name;

    public override int GetOrdinal(string name) => Schema.IndexOf(name) is var i and >= 0 ? i : throw new IndexOutOfRangeException(name);

    public override Type GetFieldType(int ordinal) => Schema.Columns[ordinal].Type switch
    {
        ColumnType.Text => typeof(string),
        ColumnType.Integer => typeof(long),
        ColumnType.Double => typeof(double),
        ColumnType.Boolean => typeof(bool),
        ColumnType.Timestamp => typeof(DateTime),
        _ => typeof(object),
    };

    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

    public override bool IsDBNull(int ordinal) => _values[ordinal] is null;

    public override object GetValue(int ordinal) => _values[ordinal] ?? DBNull.Value;

    public override int GetValues(object[] values)
    {
        var n = Math.Min(values.Length, _values.Length);
        for (var i = 0; i < n; i++)
        {
            values[i] = GetValue(i);
        }
        return n;
    }

    public override string GetString(int ordinal) => (string)_values[ordinal]!;

    public override long GetInt64(int ordinal) => (long)_values[ordinal]!;

    public override int GetInt32(int ordinal) => checked((int)(long)_values[ordinal]!);

    public override short GetInt16(int ordinal) => checked((short)(long)_values[ordinal]!);

    public override byte GetByte(int ordinal) => checked((byte)(long)_values[ordinal]!);

    public override double GetDouble(int ordinal) => (double)_values[ordinal]!;

    public override float GetFloat(int ordinal) => (float)(double)_values[ordinal]!;

    public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(_values[ordinal], System.Globalization.CultureInfo.InvariantCulture);

    public override bool GetBoolean(int ordinal) => (bool)_values[ordinal]!;

    public override DateTime GetDateTime(int ordinal) => (DateTime)_values[ordinal]!;

    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    public override Guid GetGuid(int ordinal) => throw new InvalidCastException("demo data has no GUID columns");

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
        throw new InvalidCastException("demo data has no binary columns");

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var s = GetString(ordinal);
        if (buffer is null)
        {
            return s.Length;
        }
        var n = (int)Math.Max(0, Math.Min(length, s.Length - dataOffset));
        s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override int Depth => 0;

    public override bool HasRows => _rows > 0;

    public override bool IsClosed => _closed;

    public override int RecordsAffected => -1;

    public override bool NextResult() => false;

    public override void Close() => _closed = true;

    public override IEnumerator GetEnumerator() => new DbEnumerator(this);

    /// <summary>Column names, types and nullability, as consumers such as CSV writers ask for them.</summary>
    public ReadOnlyCollection<DbColumn> GetColumnSchema()
    {
        var columns = new DbColumn[FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new Column(i, Schema.Columns[i].Name, GetFieldType(i), !Schema.Columns[i].Required);
        }
        return Array.AsReadOnly(columns);
    }

    private sealed class Column : DbColumn
    {
        public Column(int ordinal, string name, Type type, bool allowNull)
        {
            ColumnOrdinal = ordinal;
            ColumnName = name;
            DataType = type;
            DataTypeName = type.Name;
            AllowDBNull = allowNull;
        }
    }
}
