using System.Globalization;
using Palisade.Core.Reputation;

namespace Palisade.Server.Dashboard;

/// <summary>Server-rendered SVG bar charts (no script, no inline styles: the CSP allows neither).</summary>
public static class DashboardCharts
{
    private const int Width = 720;
    private const int Height = 180;
    private const int Bottom = 20;
    private const int Left = 34;

    /// <summary>Reports per day over the <paramref name="days"/> days up to <paramref name="today"/>.</summary>
    public static void Timeline(HtmlWriter html, IReadOnlyList<DailyCount> timeline, DateOnly today, int days)
    {
        var first = today.AddDays(-(days - 1));
        var counts = new long[days];
        foreach (var day in timeline)
        {
            var index = day.Date.DayNumber - first.DayNumber;
            if (index >= 0 && index < days)
            {
                counts[index] += day.Count;
            }
        }

        var labels = new string[days];
        for (var i = 0; i < days; i++)
        {
            labels[i] = first.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        Bars(html, "timeline-chart", $"Reports per day, last {days} days", counts, labels, labelEvery: days / 6, selectedFrom: int.MaxValue);
    }

    /// <summary>Listed addresses per 10-point score bucket (0–9 … 90–100); buckets at or above the minimum are highlighted.</summary>
    public static void Histogram(HtmlWriter html, long[] buckets, int scoreMinimum)
    {
        var labels = new string[buckets.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            labels[i] = i == buckets.Length - 1 ? $"{i * 10}–100" : $"{i * 10}–{i * 10 + 9}";
        }

        Bars(html, "score-histogram", "Addresses per score bucket", buckets, labels, labelEvery: 1, selectedFrom: scoreMinimum / 10);
    }

    private static void Bars(HtmlWriter html, string id, string title, long[] values, string[] labels, int labelEvery, int selectedFrom)
    {
        var max = Math.Max(1, values.Max());
        var plotWidth = Width - Left;
        var plotHeight = Height - Bottom - 6;
        var slot = (double)plotWidth / values.Length;
        html.Open("svg", ("class", "chart"), ("id", id), ("xmlns", "http://www.w3.org/2000/svg"), ("role", "img"),
            ("viewBox", $"0 0 {Width} {Height}"), ("aria-label", title));
        html.Element("title", title);
        html.Open("text", ("x", "0"), ("y", "12")).Text(max.ToString(CultureInfo.InvariantCulture)).Close("text");
        html.Open("line", ("class", "axis"), ("x1", I(Left)), ("y1", I(Height - Bottom)), ("x2", I(Width)), ("y2", I(Height - Bottom))).Close("line");
        for (var i = 0; i < values.Length; i++)
        {
            var barHeight = values[i] == 0 ? 0 : Math.Max(1, values[i] * plotHeight / (double)max);
            var x = Left + i * slot + slot * 0.1;
            html.Open("rect", ("class", i >= selectedFrom ? "bar selected" : "bar"), ("x", D(x)), ("y", D(Height - Bottom - barHeight)),
                ("width", D(slot * 0.8)), ("height", D(barHeight)), ("data-label", labels[i]), ("data-value", values[i].ToString(CultureInfo.InvariantCulture)));
            html.Element("title", $"{labels[i]}: {values[i].ToString(CultureInfo.InvariantCulture)}").Close("rect");
            if (labelEvery > 0 && i % labelEvery == 0)
            {
                html.Open("text", ("x", D(x)), ("y", I(Height - 4))).Text(labels[i]).Close("text");
            }
        }

        html.Close("svg");
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string D(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
