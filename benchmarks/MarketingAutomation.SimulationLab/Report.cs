using System.Globalization;
using System.Text;
using MarketingAutomation.Simulation;
using Spectre.Console;

namespace MarketingAutomation.SimulationLab;

/// <summary>The lab's outputs: comparison table, messages per goal, CSV and the cumulative-conversions chart.</summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Table(IReadOnlyList<StrategyResult> results, SimulationOptions options)
    {
        if (AnsiConsole.Profile.Width < 150)
        {
            AnsiConsole.Profile.Width = 150; // redirected output: do not squeeze the tables into 80 columns
        }

        var volume = NewTable("[bold]What was sent[/]", "strategy", "messages", "e-mail", "sms", "push", "opens", "clicks", "driven conv.", "unsubs", "complaints", "violations", "time");
        var value = NewTable(
            "[bold]What it earned[/] (net value = revenue - no-contact revenue - contact costs)",
            "strategy", "conversions", "revenue", "incr. revenue", "contact cost", "net value", "treated conv.", "control conv.", "uplift");
        foreach (var r in results)
        {
            volume.AddRow(
                Markup.Escape(r.Strategy),
                r.Messages.ToString("N0", Inv),
                Channel(r, ChannelKind.Email),
                Channel(r, ChannelKind.Sms),
                Channel(r, ChannelKind.Push),
                r.Opens.ToString("N0", Inv),
                r.Clicks.ToString("N0", Inv),
                r.DrivenConversions.ToString("N0", Inv),
                r.Unsubscribes.ToString("N0", Inv),
                r.Complaints.ToString("N0", Inv),
                r.Violations == 0 ? "[green]0[/]" : "[red]" + r.Violations.ToString(Inv) + "[/]",
                r.Elapsed.TotalSeconds.ToString("0.0", Inv) + " s");
            value.AddRow(
                Markup.Escape(r.Strategy),
                r.Conversions.ToString("N0", Inv),
                r.Revenue.ToString("N2", Inv),
                r.IncrementalRevenue.ToString("N2", Inv),
                r.ContactCost.ToString("N2", Inv),
                (r.NetValue >= 0 ? "[green]" : "[red]") + r.NetValue.ToString("N2", Inv) + "[/]",
                r.TreatedConversionRate.ToString("P2", Inv),
                r.ControlConversionRate.ToString("P2", Inv),
                (r.Uplift * 100).ToString("+0.00;-0.00", Inv) + " pp");
        }

        AnsiConsole.Write(volume);
        AnsiConsole.Write(value);
        var first = results.Count > 0 ? results[0] : null;
        if (first is not null)
        {
            Console.WriteLine(string.Create(
                Inv,
                $"Control group: {first.ControlCustomers:N0} customers ({options.ControlGroupFraction:P0}, hash of the customer id), never messaged. Contact cost: channel price + {options.Costs.AttentionCost:0.00} attention per message."));
        }

        foreach (var r in results)
        {
            Console.WriteLine(string.Create(
                Inv,
                $"  {r.Strategy}: {r.Elapsed.TotalSeconds:0.0} s = world {r.WorldTime.TotalSeconds:0.0} s + ingest {r.IngestTime.TotalSeconds:0.0} s + agent ticks {r.AgentTime.TotalSeconds:0.0} s + import/audit; {r.Evaluations:N0} evaluations"));
        }

        foreach (var r in results)
        {
            foreach (var v in r.ViolationSamples)
            {
                Console.WriteLine($"  VIOLATION {r.Strategy}: {v.Kind} {v.Reason}");
            }
        }
    }

    public static void Goals(IReadOnlyList<StrategyResult> results)
    {
        Console.WriteLine("Messages (decisions) per goal:");
        foreach (var r in results)
        {
            if (r.DecisionsByGoal.Count == 0)
            {
                continue;
            }

            Console.WriteLine($"  {r.Strategy,-18} " + string.Join(", ", r.DecisionsByGoal.Select(g => string.Create(Inv, $"{g.Key} {g.Value:N0}"))));
        }
    }

    public static void Csv(IReadOnlyList<StrategyResult> results, string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine("strategy,seed,customers,days,messages,opens,clicks,conversions,driven_conversions,revenue,driven_revenue,incremental_revenue,contact_cost,net_value,unsubscribes,complaints,violations,treated_conversion_rate,control_conversion_rate,uplift,evaluations,seconds");
        foreach (var r in results)
        {
            sb.AppendLine(string.Create(
                Inv,
                $"{r.Strategy},{r.Seed},{r.Customers},{r.Days},{r.Messages},{r.Opens},{r.Clicks},{r.Conversions},{r.DrivenConversions},{r.Revenue:0.00},{r.DrivenRevenue:0.00},{r.IncrementalRevenue:0.00},{r.ContactCost:0.00},{r.NetValue:0.00},{r.Unsubscribes},{r.Complaints},{r.Violations},{r.TreatedConversionRate:0.######},{r.ControlConversionRate:0.######},{r.Uplift:0.######},{r.Evaluations},{r.Elapsed.TotalSeconds:0.0}"));
        }

        File.WriteAllText(path, sb.ToString());
        Console.WriteLine($"Wrote {path}");
    }

    public static void Charts(IReadOnlyList<StrategyResult> results, string folder, int seed)
    {
        var none = results.FirstOrDefault(r => r.Strategy == NoContactStrategy.StrategyName);
        Chart(results, Path.Combine(folder, "cumulative-conversions.png"), string.Create(Inv, $"Cumulative conversions by day (seed {seed})"), "conversions (all purchases)", null);
        if (none is not null)
        {
            Chart(
                [.. results.Where(r => r != none)],
                Path.Combine(folder, "incremental-conversions.png"),
                string.Create(Inv, $"Cumulative conversions above the no-contact run (seed {seed})"),
                "incremental conversions",
                none);
        }
    }

    private static void Chart(IReadOnlyList<StrategyResult> results, string path, string title, string yLabel, StrategyResult? minus)
    {
        try
        {
            var plot = new ScottPlot.Plot();
            foreach (var r in results)
            {
                var days = new double[r.CumulativeConversionsByDay.Length];
                var values = new double[days.Length];
                for (var d = 0; d < days.Length; d++)
                {
                    days[d] = d + 1;
                    values[d] = r.CumulativeConversionsByDay[d] - (minus is null ? 0 : minus.CumulativeConversionsByDay[d]);
                }

                var line = plot.Add.Scatter(days, values);
                line.LegendText = r.Strategy;
                line.MarkerSize = 0;
            }

            plot.Title(title);
            plot.XLabel("simulated day");
            plot.YLabel(yLabel);
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
            plot.SavePng(path, 1000, 600);
            Console.WriteLine($"Wrote {path}");
        }
#pragma warning disable CA1031 // The chart is optional: a missing native graphics library must not lose the results.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"Could not write the chart {path}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        return table;
    }

    private static string Channel(StrategyResult r, ChannelKind kind)
    {
        foreach (var c in r.Channels)
        {
            if (c.Kind == kind)
            {
                return c.Messages.ToString("N0", Inv);
            }
        }

        return "0";
    }
}
