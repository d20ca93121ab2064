namespace Emporium.Datasets;

/// <summary>Which number comes first in a slash date such as <c>01/02/2023</c>. Never inferred from the value or the
/// machine's culture: a column always reads one way, so a file cannot be half day-first and half month-first.</summary>
public enum SlashDateOrder
{
    /// <summary><c>M/d/yyyy</c>, as the UCI Online Retail CSV export (<c>12/1/2010 8:26</c>).</summary>
    MonthFirst,
    /// <summary><c>d/M/yyyy</c>, as the seed products payloads (<c>31/12/2023 00:00</c>).</summary>
    DayFirst,
}
