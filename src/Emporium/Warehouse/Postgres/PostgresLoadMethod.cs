namespace Emporium.Warehouse.Postgres;

/// <summary>How <see cref="PostgresWarehouse.CommitAsync"/> moves a batch's rows into its staging table. Everything
/// after that (the upsert or ordered insert into the dataset table, the offsets) is the same for all of them.</summary>
public enum PostgresLoadMethod
{
    /// <summary><c>COPY … FROM STDIN (FORMAT BINARY)</c>: one stream per dataset, no SQL parsing per row.</summary>
    BinaryCopy,

    /// <summary>Parameterised <c>INSERT … VALUES (…), (…), …</c> of up to <see cref="PostgresWarehouse.InsertRowsPerStatement"/>
    /// rows (fewer for wide tables, under PostgreSQL's 65 535 parameters per statement).</summary>
    MultiRowInsert,

    /// <summary>One prepared single-row <c>INSERT</c> per record: a round trip each.</summary>
    SingleRowInsert,
}
