using MarketingAutomation;
using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Quickstart;

/// <summary>
/// Reads your customers from a CSV file with the SDK's own importer (<see cref="CustomerFileImporter"/>: FluentValidation,
/// libphonenumber, time zones), listing bad rows with their line numbers and keeping the good ones. The simulation then lets each of
/// your customers behave as a synthetic customer would.
/// </summary>
internal static class CsvCustomers
{
    public static async Task<IReadOnlyList<Customer>?> ImportAsync(string path, TextWriter output, TextWriter error)
    {
        Stream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"error: --csv: cannot read '{path}': {ex.Message}");
            return null;
        }

        // An in-memory agent only to validate and import the file; the customers then go to the simulation (and the database).
        var store = new InMemoryCustomerStore();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMarketingAutomation()
            .UseInMemoryStore(store)
            .AddRecordingChannel("email", ChannelKind.Email)
            .AddWelcomeSequence()
            .UseGoalPriorityStrategy();
        await using var provider = services.BuildServiceProvider();
        CustomerFileImportReport report;
        await using (file)
        {
            try
            {
                report = await provider.GetRequiredService<CustomerFileImporter>().ImportCsvAsync(file);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException)
            {
                error.WriteLine($"error: --csv: '{path}' is not a readable CSV file: {ex.Message}");
                return null;
            }
        }

        output.WriteLine($"CSV {path}: {report.RowsRead:N0} rows read, {report.Imported:N0} imported, {report.Rejected:N0} rejected.");
        foreach (var problem in report.Errors.OrderBy(e => e.Line))
        {
            output.WriteLine("  " + problem);
        }

        var customers = new List<Customer>();
        DueCursor? cursor = null;
        do
        {
            var page = await store.GetDueCustomersAsync(Instant.MaxValue, cursor, 1000);
            foreach (var context in page.Customers)
            {
                customers.Add(context.Customer);
            }

            cursor = page.Customers.Count == 0 ? null : page.Next;
        }
        while (cursor is not null);

        if (customers.Count == 0)
        {
            error.WriteLine($"error: --csv: '{path}' has no valid customer row; fix the rows listed above (the first line must be a header naming the columns, with id).");
            return null;
        }

        return customers;
    }
}
