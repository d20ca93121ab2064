using System.Data.Common;

namespace Emporium.Warehouse;

/// <summary>What one warehouse engine reads differently from the generic ADO.NET path: the type names it shows and
/// the values its driver cannot hand out as plain CLR values (infinite dates, intervals with months, decimals wider
/// than <see cref="decimal"/>…).</summary>
internal abstract class EngineValues
{
    public virtual string TypeName(DbDataReader reader, int ordinal) => reader.GetDataTypeName(ordinal).ToLowerInvariant();

    /// <summary>How to read the column's values, or null to leave it to the generic path.</summary>
    public abstract Func<DbDataReader, int, object>? Reader(DbDataReader reader, int ordinal);
}
