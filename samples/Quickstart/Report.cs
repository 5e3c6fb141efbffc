using System.Globalization;
using MarketingAutomation;
using MarketingAutomation.Simulation;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;

namespace Quickstart;

/// <summary>The Quickstart's report: tables on the console, a chart and a CSV in the output folder.</summary>
internal sealed class Report(IReadOnlyDictionary<string, SimulationRun> runs, SimulationRunner runner, SimulationOptions simulation)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private StrategyResult Learning => runs[AdaptiveLabStrategy.StrategyName].Result;

    private StrategyResult Blast => runs[BatchAndBlastStrategy.StrategyName].Result;

    /// <summary>Conversions and uplift against the control group, the no-message month and batch-and-blast.</summary>
    public void Results()
    {
        var table = NewTable("What each way of marketing earned over the month", "strategy", "messages", "conversions", "treated conv.", "control conv.", "uplift", "incr. revenue", "contact cost", "net value");
        foreach (var run in runs.Values)
        {
            var r = run.Result;
            table.AddRow(r.Strategy, N(r.Messages), N(r.Conversions), P(r.TreatedConversionRate), P(r.ControlConversionRate), Pp(r.Uplift), M(r.IncrementalRevenue), M(r.ContactCost), M(r.NetValue));
        }

        AnsiConsole.Write(table);
        var learning = Learning;
        var blast = Blast;
        AnsiConsole.MarkupLine(string.Create(Inv, $"Control group: {learning.ControlCustomers:N0} customers ({simulation.ControlGroupFraction:P0}, chosen by a hash of the id) never get a message; uplift = treated minus control conversion rate."));
        AnsiConsole.MarkupLine(string.Create(Inv, $"[bold]Learning agent vs control group:[/] {Pp(learning.Uplift)} conversion rate. [bold]vs batch-and-blast:[/] {learning.Conversions - blast.Conversions:+#,0;-#,0;0} conversions, net value {learning.NetValue - blast.NetValue:+#,0.00;-#,0.00;0} with {learning.Messages - blast.Messages:+#,0;-#,0;0} messages, {learning.Unsubscribes - blast.Unsubscribes:+#,0;-#,0;0} unsubscribes."));
        AnsiConsole.MarkupLine(string.Create(Inv, $"Rule violations found by the lab's auditor in every message sent: {string.Join(", ", runs.Values.Select(r => $"{r.Result.Strategy} {r.Result.Violations}"))}."));
    }

    /// <summary>The learning agent's messages by goal and channel.</summary>
    public static void DecisionsByGoalAndChannel(SimulationRun run)
    {
        var sent = run.World.Sent;
        var channels = sent.Select(m => m.Kind).Distinct().Order().ToList();
        var table = NewTable("Learning agent: messages sent by goal and channel", ["goal", .. channels.Select(c => c.ToString()), "total"]);
        foreach (var goal in sent.Where(m => m.Accepted).GroupBy(m => m.GoalId).OrderByDescending(g => g.Count()))
        {
            var row = new List<string> { goal.Key };
            row.AddRange(channels.Select(c => N(goal.Count(m => m.Kind == c))));
            row.Add(N(goal.Count()));
            table.AddRow([.. row]);
        }

        AnsiConsole.Write(table);
    }

    /// <summary>How many decisions each rule held, with its reason code.</summary>
    public static void HeldByRule(StrategyResult result)
    {
        var table = NewTable("Learning agent: decisions held by each rule (every candidate held; rule: reason code)", "rule: reason code", "held");
        foreach (var (rule, count) in result.HeldByRule.OrderByDescending(p => p.Value))
        {
            table.AddRow(Markup.Escape(rule), N(count));
        }

        if (result.HeldByRule.IsEmpty)
        {
            table.AddRow("(none)", "0");
        }

        AnsiConsole.Write(table);
    }

    /// <summary>The reviews a person still has to approve or reject.</summary>
    public static async Task PendingReviewsAsync(IReviewQueue reviews)
    {
        var pending = await reviews.ListPendingAsync(10_000);
        AnsiConsole.MarkupLine($"[bold]Reviews pending:[/] {pending.Count:N0} messages wait for a person (the agent was unsure: confidence below the review threshold).");
        foreach (var review in pending.Take(3))
        {
            AnsiConsole.MarkupLine($"  {Markup.Escape(review.ReviewId)}: customer {Markup.Escape(review.CustomerId)} on {Markup.Escape(review.Message.Message.Channel)}: {Markup.Escape(review.Reason)}");
        }
    }

    /// <summary>One customer: the learned send-time heatmap and channel preferences, and the trace of their last message.</summary>
    public static async Task SampleCustomerAsync(SimulationRun run, ICustomerStore store, AdaptiveStrategy? strategy, Instant end)
    {
        // The customer with the most messages: the most the agent has learned about.
        var last = run.World.Sent.Where(m => m.Accepted).GroupBy(m => m.CustomerId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault();
        if (last is null || await store.GetCustomerAsync(last.Key) is not { } customer)
        {
            AnsiConsole.MarkupLine("No message went out, so there is no sample customer to show.");
            return;
        }

        AnsiConsole.Write(new Rule($"Sample customer {Markup.Escape(customer.Id)} ({last.Count()} messages, time zone {Markup.Escape(customer.Customer.TimeZoneId ?? "unknown")})").LeftJustified());
        if (strategy is not null)
        {
            var profile = strategy.Describe(customer, end);
            var channels = NewTable("Learned channel preferences", "channel", "response rate", "similar customers", "own evidence");
            foreach (var c in profile.Channels.OrderByDescending(c => c.ResponseRate))
            {
                channels.AddRow(c.Kind.ToString(), P(c.ResponseRate), P(c.PopulationRate), c.Evidence.ToString("0.0", Inv));
            }

            AnsiConsole.Write(channels);
            Heatmap(profile);
        }

        var message = last.OrderBy(m => m.At).Last();
        var trace = await store.GetMessageTraceAsync(customer.Id, message.MessageId);
        if (trace is null)
        {
            AnsiConsole.MarkupLine("The trace of the last message was trimmed.");
            return;
        }

        AnsiConsole.MarkupLine($"[bold]Why the last message went out[/] (message {Markup.Escape(message.MessageId)}, trace from the database):");
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(Inv, $"  evaluated {InstantPattern.General.Format(trace.EvaluatedAt)}: {trace.Outcome} ({trace.ReasonCode}), strategy {trace.Strategy}, score {trace.Score:0.###}, confidence {trace.Confidence:0.##}, send at {trace.SendAt} ({trace.TimingReason})")));
        for (var i = 0; i < trace.Candidates.Length; i++)
        {
            var c = trace.Candidates[i];
            var held = c.Verdicts.Where(v => v.Kind != VerdictKind.Allow).Select(v => $"{v.Rule}: {v.Code}").ToList();
            var line = $"  {(i == trace.ChosenIndex ? "->" : "  ")} {c.GoalId}/{c.VariantId} on {c.Channel}: {(c.Allowed ? "allowed" : "held")}{(c.Score is { } s ? string.Create(Inv, $", score {s:0.###}") : string.Empty)}{(held.Count > 0 ? " (" + string.Join("; ", held) + ")" : string.Empty)}";
            AnsiConsole.MarkupLine(Markup.Escape(line));
        }
    }

    /// <summary>Writes the chart and the CSV, and says where everything is.</summary>
    public void Files(string output, string database)
    {
        var chart = Path.Combine(output, "cumulative-conversions.png");
        try
        {
            var plot = new ScottPlot.Plot();
            foreach (var r in runs.Values.Select(r => r.Result))
            {
                var days = Enumerable.Range(1, r.CumulativeConversionsByDay.Length).Select(d => (double)d).ToArray();
                var line = plot.Add.Scatter(days, r.CumulativeConversionsByDay.Select(v => (double)v).ToArray());
                line.LegendText = r.Strategy;
                line.MarkerSize = 0;
            }

            plot.Title(string.Create(Inv, $"Cumulative conversions by day ({runner.Customers.Count:N0} customers, seed {runner.Population.Seed})"));
            plot.XLabel("simulated day");
            plot.YLabel("conversions (all purchases)");
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
            plot.SavePng(chart, 1000, 600);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"Could not write the chart {chart}: {ex.GetType().Name}: {ex.Message}");
            chart = "(not written)";
        }

        var csv = Path.Combine(output, "results.csv");
        File.WriteAllLines(csv, ["strategy,messages,conversions,treated_conversion_rate,control_conversion_rate,incremental_revenue,contact_cost,net_value,unsubscribes,violations",
            .. runs.Values.Select(r => r.Result).Select(r => string.Create(Inv, $"{r.Strategy},{r.Messages},{r.Conversions},{r.TreatedConversionRate:0.#####},{r.ControlConversionRate:0.#####},{r.IncrementalRevenue:0.00},{r.ContactCost:0.00},{r.NetValue:0.00},{r.Unsubscribes},{r.Violations}"))]);

        AnsiConsole.Write(new Rule("Files").LeftJustified());
        AnsiConsole.MarkupLine($"Chart:    {Markup.Escape(chart)}");
        AnsiConsole.MarkupLine($"Results:  {Markup.Escape(csv)}");
        AnsiConsole.MarkupLine($"Database: {Markup.Escape(database)}");
        AnsiConsole.MarkupLine("  open it with any SQLite tool, for example: sqlite3 " + Markup.Escape(database) + " \"SELECT status, COUNT(*) FROM outbox GROUP BY status\"");
    }

    private static void Heatmap(LearnedProfile profile)
    {
        var rates = profile.EngagementByHourOfWeek;
        var max = rates.Max();
        var min = rates.Min();
        AnsiConsole.MarkupLine(string.Create(Inv, $"Learned send-time heatmap (response rate by local hour; darker = better; {P(min)} to {P(max)}; {profile.TrialsByHourOfWeek.Sum()} messages of own evidence):"));
        AnsiConsole.MarkupLine("       0     3     6     9     12    15    18    21");
        ReadOnlySpan<string> shades = [" ", "░", "▒", "▓", "█"];
        for (var day = 0; day < 7; day++)
        {
            var line = new System.Text.StringBuilder(Days[day]).Append("   ");
            for (var hour = 0; hour < 24; hour++)
            {
                var value = rates[(day * 24) + hour];
                var level = max <= min ? 2 : (int)Math.Round((value - min) / (max - min) * (shades.Length - 1));
                line.Append(shades[level]).Append(shades[level]);
            }

            AnsiConsole.MarkupLine(Markup.Escape(line.ToString()));
        }
    }

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        for (var i = 0; i < columns.Length; i++)
        {
            table.AddColumn(i == 0 ? new TableColumn(columns[i]) : new TableColumn(columns[i]).RightAligned());
        }

        return table;
    }

    private static string N(long value) => value.ToString("N0", Inv);

    private static string P(double value) => value.ToString("0.00 %", Inv);

    private static string Pp(double value) => (value * 100).ToString("+0.00 'pp';-0.00 'pp';0.00 'pp'", Inv);

    private static string M(decimal value) => value.ToString("#,0.00", Inv);
}
