using Emporium.Datasets;

namespace Emporium.Processing;

/// <summary>Enrich/filter hook run on each record before the sinks. Return the (possibly new) record, or null to
/// drop it. Registered per dataset.</summary>
public delegate CanonicalRecord? RecordHook(CanonicalRecord record);
