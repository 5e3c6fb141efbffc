using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>One problem with one field.</summary>
/// <param name="Field">The field path (for example <c>ContactPoints[0].Address</c>).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record FieldError(string Field, string Message);

/// <summary>A customer that was not imported.</summary>
/// <param name="Index">Its position in the input (0-based).</param>
/// <param name="CustomerId">Its id, if it had one.</param>
/// <param name="Errors">Every problem found.</param>
public sealed record CustomerImportError(int Index, string? CustomerId, IReadOnlyList<FieldError> Errors)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"customer #{Index} ({CustomerId ?? "no id"}): " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Message}"));
}

/// <summary>What an import did: good customers stored, bad ones reported with the field and the reason.</summary>
/// <param name="Imported">Customers inserted or changed.</param>
/// <param name="Unchanged">Valid customers whose facts were already stored as they are.</param>
/// <param name="Errors">The customers skipped, with reasons.</param>
public sealed record CustomerImportReport(int Imported, int Unchanged, IReadOnlyList<CustomerImportError> Errors);

/// <summary>Validates customers (with <see cref="CustomerValidator"/>) and upserts the valid ones. One bad customer never stops the batch.</summary>
public sealed class CustomerImporter
{
    private const int ChunkSize = 1000;
    private readonly MarketingPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly CustomerValidator _validator = new();

    /// <summary>Initializes a new instance of the <see cref="CustomerImporter"/> class.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="logger">The logger.</param>
    public CustomerImporter(MarketingPipeline pipeline, ILogger<CustomerImporter> logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>Validates and imports customers; they become due for evaluation now.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The report.</returns>
    public async Task<CustomerImportReport> ImportAsync(IEnumerable<Customer?> customers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var now = _pipeline.Clock.GetCurrentInstant();
        var errors = new List<CustomerImportError>();
        var chunk = new List<Customer>(ChunkSize);
        int imported = 0, valid = 0, index = -1;
        foreach (var customer in customers)
        {
            index++;
            if (customer is null)
            {
                errors.Add(new CustomerImportError(index, null, [new FieldError("(customer)", "The customer is null; remove the entry.")]));
                continue;
            }

            FluentValidation.Results.ValidationResult result;
            try
            {
                result = await _validator.ValidateAsync(customer, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One malformed customer must not stop the import; it is reported like any invalid one.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                errors.Add(new CustomerImportError(index, string.IsNullOrEmpty(customer.Id) ? null : customer.Id, [new FieldError("(customer)", $"The customer could not be validated ({ex.GetType().Name}); check that every list and field is initialized.")]));
                continue;
            }

            if (!result.IsValid)
            {
                var fieldErrors = new List<FieldError>(result.Errors.Count);
                foreach (var e in result.Errors)
                {
                    fieldErrors.Add(new FieldError(e.PropertyName, e.ErrorMessage));
                }

                var error = new CustomerImportError(index, string.IsNullOrEmpty(customer.Id) ? null : customer.Id, fieldErrors);
                errors.Add(error);
                Log.CustomerRejected(_logger, index, error.CustomerId, fieldErrors.Count, string.Join(",", fieldErrors.Select(f => f.Field).Distinct()));
                continue;
            }

            valid++;
            chunk.Add(customer);
            if (chunk.Count == ChunkSize)
            {
                imported += await _pipeline.Store.UpsertCustomersAsync(chunk, now, cancellationToken).ConfigureAwait(false);
                chunk = new List<Customer>(ChunkSize);
            }
        }

        if (chunk.Count > 0)
        {
            imported += await _pipeline.Store.UpsertCustomersAsync(chunk, now, cancellationToken).ConfigureAwait(false);
        }

        return new CustomerImportReport(imported, valid - imported, errors);
    }
}
