namespace Palisade.Core.Text;

/// <summary>
/// CSV formula injection: a spreadsheet opening a CSV runs a cell that starts with <c>= + - @</c>, a tab or a carriage
/// return as a formula. Every CSV cell that carries text someone else chose (a reporter's protocol name) is written
/// through <see cref="Guard"/>, which prefixes such a cell with a single quote, the form spreadsheets show as text.
/// </summary>
public static class CsvFormulaGuard
{
    public const char Prefix = '\'';

    public static bool Needs(ReadOnlySpan<char> cell) => cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    public static string Guard(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return Needs(cell) ? Prefix + cell : cell;
    }
}
