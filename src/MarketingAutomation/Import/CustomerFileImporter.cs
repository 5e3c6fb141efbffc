using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.Extensions.Logging;
using NodaTime.Text;
using PhoneNumbers;

namespace MarketingAutomation;

/// <summary>
/// Imports customers from a CSV or JSON file, and purchases from a CSV file, through the validated import path
/// (<see cref="CustomerImporter"/> with <see cref="CustomerValidator"/>, then <see cref="ICustomerStore.UpsertCustomersAsync"/>; purchases
/// as <see cref="PurchaseEvent"/>s through <see cref="FeedbackIngestor"/>). A bad row is reported with its line and column and never stops
/// the batch; re-importing a file is idempotent.
/// </summary>
/// <remarks>
/// <para>Customer CSV: a header line, then one row per customer. Columns (any order; unknown columns are ignored):</para>
/// <list type="bullet">
/// <item><c>id</c> (required): the external id.</item>
/// <item><c>email</c>: an e-mail address.</item>
/// <item><c>phone</c>: E.164 (<c>+14155550100</c>), or a national number with <c>country</c> (ISO 3166 region such as <c>US</c>).</item>
/// <item><c>time_zone</c>: an IANA id such as <c>Europe/Berlin</c>.</item>
/// <item><c>language</c>: a BCP 47 tag.</item>
/// <item><c>signed_up_at</c>: an ISO 8601 instant (<c>2026-01-05T09:00:00Z</c> or with an offset).</item>
/// <item><c>email_consent</c>, <c>sms_consent</c>, <c>push_consent</c>: <c>express</c>, <c>express_written</c>, <c>soft_opt_in</c>,
/// <c>revoked</c>, or empty for none; recorded (marketing purpose) at <c>consent_at</c>, else at <c>signed_up_at</c> (one of them is then required).</item>
/// <item><c>attributes.NAME</c>: copied into <see cref="Customer.Attributes"/> under <c>NAME</c> when not empty.</item>
/// </list>
/// <para>
/// Customer JSON: an array of objects with the same property names (<c>attributes</c> may also be a nested object of strings); read
/// streaming. Errors then give the 1-based element position as the line.
/// </para>
/// <para>
/// Purchases CSV: <c>customer_id</c>, <c>order_id</c>, <c>at</c> (ISO 8601), <c>amount</c> (invariant decimal, not negative),
/// <c>currency</c> (optional, default USD). Each row becomes a <see cref="PurchaseEvent"/> whose event id is the order id, so importing it
/// again appends nothing.
/// </para>
/// <para>
/// A later row with an id already used in the same file is ignored when identical and rejected (naming the earlier line) when different.
/// Error messages never contain e-mail addresses or phone numbers; nothing personal is logged.
/// </para>
/// </remarks>
public sealed class CustomerFileImporter
{
    private const string ConsentSource = "file-import";
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private readonly CustomerImporter _importer;
    private readonly FeedbackIngestor _feedback;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="CustomerFileImporter"/> class.</summary>
    /// <param name="importer">The validated customer import path.</param>
    /// <param name="feedback">The event ingestion path (purchases).</param>
    /// <param name="logger">The logger.</param>
    public CustomerFileImporter(CustomerImporter importer, FeedbackIngestor feedback, ILogger<CustomerFileImporter> logger)
    {
        ArgumentNullException.ThrowIfNull(importer);
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(logger);
        _importer = importer;
        _feedback = feedback;
        _logger = logger;
    }

    /// <summary>Imports customers from a CSV file (format in the class remarks).</summary>
    /// <param name="csv">The file, UTF-8; not closed.</param>
    /// <param name="options">The options.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="ct">A cancellation token.</param>
    /// <returns>The report.</returns>
    /// <exception cref="IOException">The stream could not be read; rows stored before stay stored.</exception>
    public async Task<CustomerFileImportReport> ImportCsvAsync(Stream csv, CustomerFileImportOptions? options = null, IProgress<CustomerFileImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var run = new CustomerRun(this, Check(options), progress);
        await foreach (var (line, row, error) in ReadCsvAsync(csv, run.Options, ct).ConfigureAwait(false))
        {
            await run.AddAsync(line, row, error, ct).ConfigureAwait(false);
        }

        return await run.FinishAsync("csv", ct).ConfigureAwait(false);
    }

    /// <summary>Imports customers from a JSON array of objects (format in the class remarks), read streaming.</summary>
    /// <param name="json">The file, UTF-8; not closed.</param>
    /// <param name="options">The options.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="ct">A cancellation token.</param>
    /// <returns>The report.</returns>
    /// <exception cref="IOException">The stream could not be read; rows stored before stay stored.</exception>
    /// <exception cref="InvalidDataException">The file is not a JSON array; elements stored before stay stored.</exception>
    public async Task<CustomerFileImportReport> ImportJsonAsync(Stream json, CustomerFileImportOptions? options = null, IProgress<CustomerFileImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        var run = new CustomerRun(this, Check(options), progress);
        var index = 0;
        var elements = JsonSerializer.DeserializeAsyncEnumerable(json, ImportJsonContext.Default.JsonElement, cancellationToken: ct).ConfigureAwait(false);
        var enumerator = elements.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"The customer file is not a JSON array of objects (after element {index}, at line {(ex.LineNumber ?? 0) + 1}): {ex.Message} The {run.Imported} customer(s) stored before stay stored.", ex);
                }
                catch (IOException ex)
                {
                    throw new IOException($"The customer file could not be read after element {index} ({ex.Message}); the customers stored before stay stored.", ex);
                }

                index++;
                var element = enumerator.Current;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    await run.AddAsync(index, null, new CustomerFileImportError(index, null, "(row)", $"The element is {element.ValueKind}, not an object; give one object per customer."), ct).ConfigureAwait(false);
                    continue;
                }

                var row = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("attributes") && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var attribute in property.Value.EnumerateObject())
                        {
                            row["attributes." + attribute.Name] = Text(attribute.Value);
                        }
                    }
                    else
                    {
                        row[property.Name] = Text(property.Value);
                    }
                }

                await run.AddAsync(index, row, null, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }

        return await run.FinishAsync("json", ct).ConfigureAwait(false);
    }

    /// <summary>Imports purchases from a CSV file (<c>customer_id</c>, <c>order_id</c>, <c>at</c>, <c>amount</c>, <c>currency</c>); idempotent by order id.</summary>
    /// <param name="csv">The file, UTF-8; not closed.</param>
    /// <param name="options">The options.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="ct">A cancellation token.</param>
    /// <returns>The report: <see cref="CustomerFileImportReport.Imported"/> new purchases, <see cref="CustomerFileImportReport.Unchanged"/> already known.</returns>
    /// <exception cref="IOException">The stream could not be read; purchases stored before stay stored.</exception>
    public async Task<CustomerFileImportReport> ImportPurchasesCsvAsync(Stream csv, CustomerFileImportOptions? options = null, IProgress<CustomerFileImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        options = Check(options);
        var errors = new List<CustomerFileImportError>();
        var batch = new List<CustomerEvent>(options.BatchSize);
        int read = 0, imported = 0, unchanged = 0, rejected = 0;
        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var result = await _feedback.IngestAsync(batch, ct).ConfigureAwait(false);
            imported += result.Appended;
            unchanged += result.Duplicates;
            if (result.UnknownCustomers > 0)
            {
                rejected += result.UnknownCustomers;
                AddError(errors, options, new CustomerFileImportError(0, null, "customer_id", $"{result.UnknownCustomers} purchase(s) of this batch name customers the store does not hold; import the customers first."));
            }

            batch = new List<CustomerEvent>(options.BatchSize);
        }

        await foreach (var (line, row, error) in ReadCsvAsync(csv, options, ct).ConfigureAwait(false))
        {
            read++;
            PurchaseEvent? purchase = null;
            var rowError = error ?? ParsePurchase(line, row!, out purchase);
            if (rowError is not null)
            {
                rejected++;
                AddError(errors, options, rowError);
            }
            else
            {
                batch.Add(purchase!);
                if (batch.Count >= options.BatchSize)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }

            if (read % options.ProgressInterval == 0)
            {
                progress?.Report(new CustomerFileImportProgress(read, imported, rejected, false));
            }
        }

        await FlushAsync().ConfigureAwait(false);
        progress?.Report(new CustomerFileImportProgress(read, imported, rejected, true));
        Log.CustomerFileImported(_logger, "purchases csv", read, imported, unchanged, rejected);
        return new CustomerFileImportReport(read, imported, unchanged, rejected, errors);
    }

    private static CustomerFileImportOptions Check(CustomerFileImportOptions? options)
    {
        options ??= new CustomerFileImportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProgressInterval, 1, nameof(options));
        return options;
    }

    private static void AddError(List<CustomerFileImportError> errors, CustomerFileImportOptions options, CustomerFileImportError error)
    {
        if (errors.Count < options.MaxErrors)
        {
            errors.Add(error);
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        _ => value.GetRawText(),
    };

    private static async IAsyncEnumerable<(int Line, Dictionary<string, string>? Row, CustomerFileImportError? Error)> ReadCsvAsync(
        Stream stream, CustomerFileImportOptions options, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var readerOptions = new CsvReaderOptions
        {
            Separator = options.Separator,
            HasHeader = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        var csv = CsvReader.Create(stream, readerOptions, true);
        await using (csv.ConfigureAwait(false))
        {
            string[] header;
            try
            {
                await csv.ReadHeaderAsync(ct).ConfigureAwait(false);
                header = [.. csv.Headers];
            }
            catch (IOException ex)
            {
                throw new IOException($"The file could not be read ({ex.Message}); nothing was imported.", ex);
            }

            for (var i = 0; i < header.Length; i++)
            {
                header[i] = header[i].Trim();
            }

            while (true)
            {
                ct.ThrowIfCancellationRequested();
                bool more;
                try
                {
                    more = await csv.ReadAsync(ct).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    throw new IOException($"The file could not be read after line {csv.LineNumber} ({ex.Message}); the rows stored before stay stored.", ex);
                }
                catch (CsvFormatException ex)
                {
                    throw new InvalidDataException($"The file is not valid CSV near record {ex.RecordNumber}: {ex.Message}", ex);
                }

                if (!more)
                {
                    yield break;
                }

                var line = (int)csv.LineNumber;
                if (csv.FieldCount != header.Length)
                {
                    string? id = null;
                    if (header.Length > 0 && csv.FieldCount > 0 && (header[0] == "id" || header[0] == "customer_id"))
                    {
                        id = NullIfEmpty(csv.GetString(0));
                    }

                    yield return (line, null, new CustomerFileImportError(line, id, "(row)", $"Expected {header.Length} columns as in the header but found {csv.FieldCount}; fix the line (a value containing the separator must be quoted)."));
                    continue;
                }

                var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
                for (var i = 0; i < header.Length; i++)
                {
                    row[header[i]] = csv.GetString(i) ?? string.Empty;
                }

                yield return (line, row, null);
            }
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string? Get(Dictionary<string, string> row, string column) => row.TryGetValue(column, out var value) ? NullIfEmpty(value) : null;

    private static bool TryInstant(string text, out Instant instant)
    {
        var result = InstantPattern.ExtendedIso.Parse(text);
        if (result.Success)
        {
            instant = result.Value;
            return true;
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        instant = offset.Success ? offset.Value.ToInstant() : default;
        return offset.Success;
    }

    private static CustomerFileImportError? ParsePurchase(int line, Dictionary<string, string> row, out PurchaseEvent? purchase)
    {
        purchase = null;
        var customerId = Get(row, "customer_id");
        if (customerId is null)
        {
            return new CustomerFileImportError(line, null, "customer_id", "The customer id is empty; give the external id of the customer.");
        }

        var orderId = Get(row, "order_id");
        if (orderId is null)
        {
            return new CustomerFileImportError(line, customerId, "order_id", "The order id is empty; every purchase needs its order id.");
        }

        var atText = Get(row, "at");
        if (atText is null || !TryInstant(atText, out var at))
        {
            return new CustomerFileImportError(line, customerId, "at", "The time is missing or not an ISO 8601 instant (expected 2026-01-05T09:00:00Z).");
        }

        var amountText = Get(row, "amount");
        if (amountText is null || !decimal.TryParse(amountText, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
        {
            return new CustomerFileImportError(line, customerId, "amount", "The amount is missing or not a number (use a dot as decimal separator, no currency sign).");
        }

        if (amount < 0)
        {
            return new CustomerFileImportError(line, customerId, "amount", "The amount is negative; record refunds as separate events, not negative purchases.");
        }

        var currency = Get(row, "currency");
        if (currency is not null && (currency.Length != 3 || !IsAsciiLetters(currency)))
        {
            return new CustomerFileImportError(line, customerId, "currency", "The currency is not an ISO 4217 code such as USD or EUR.");
        }

        var p = new Purchase(orderId, at, amount);
        if (currency is not null)
        {
            p = p with { Currency = currency.ToUpperInvariant() };
        }

        purchase = new PurchaseEvent(orderId, customerId, at, p);
        return null;
    }

    private static bool IsAsciiLetters(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static CustomerFileImportError? ParseCustomer(int line, Dictionary<string, string> row, out Customer? customer)
    {
        customer = null;
        var id = Get(row, "id");
        if (id is null)
        {
            return new CustomerFileImportError(line, null, "id", "The id is empty; every customer needs its stable external id.");
        }

        var contacts = ImmutableArray.CreateBuilder<ContactPoint>();
        var email = Get(row, "email");
        if (email is not null)
        {
            contacts.Add(new ContactPoint(ChannelKind.Email, email));
        }

        var phone = Get(row, "phone");
        if (phone is not null)
        {
            var e164 = ToE164(phone, Get(row, "country"));
            if (e164 is null)
            {
                return new CustomerFileImportError(line, id, "phone", "The phone number is not valid; use E.164 (such as +14155550100) or a national number with the country column set.");
            }

            contacts.Add(new ContactPoint(ChannelKind.Sms, e164));
        }

        Instant? signedUp = null;
        var signedUpText = Get(row, "signed_up_at");
        if (signedUpText is not null)
        {
            if (!TryInstant(signedUpText, out var s))
            {
                return new CustomerFileImportError(line, id, "signed_up_at", "The sign-up time is not an ISO 8601 instant (expected 2026-01-05T09:00:00Z or with an offset).");
            }

            signedUp = s;
        }

        Instant? consentAt = signedUp;
        var consentAtText = Get(row, "consent_at");
        if (consentAtText is not null)
        {
            if (!TryInstant(consentAtText, out var c))
            {
                return new CustomerFileImportError(line, id, "consent_at", "The consent time is not an ISO 8601 instant (expected 2026-01-05T09:00:00Z or with an offset).");
            }

            consentAt = c;
        }

        var consents = ImmutableArray.CreateBuilder<ConsentRecord>();
        foreach (var (column, channel) in (ReadOnlySpan<(string, ChannelKind)>)[("email_consent", ChannelKind.Email), ("sms_consent", ChannelKind.Sms), ("push_consent", ChannelKind.Push)])
        {
            var value = Get(row, column);
            if (value is null)
            {
                continue;
            }

            (ConsentStatus Status, ConsentBasis Basis)? parsed = value.ToLowerInvariant() switch
            {
                "express" => (ConsentStatus.Granted, ConsentBasis.Express),
                "express_written" => (ConsentStatus.Granted, ConsentBasis.ExpressWritten),
                "soft_opt_in" => (ConsentStatus.Granted, ConsentBasis.SoftOptIn),
                "revoked" => (ConsentStatus.Revoked, ConsentBasis.None),
                _ => null,
            };
            if (parsed is null)
            {
                return new CustomerFileImportError(line, id, column, $"'{value}' is not a consent value; use express, express_written, soft_opt_in, revoked, or leave it empty.");
            }

            if (consentAt is null)
            {
                return new CustomerFileImportError(line, id, column, "A consent needs the time it was given: set consent_at or signed_up_at.");
            }

            consents.Add(new ConsentRecord(channel, MessagePurpose.Marketing, parsed.Value.Status, parsed.Value.Basis, consentAt.Value) { Source = ConsentSource });
        }

        var attributes = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in row)
        {
            if (key.StartsWith("attributes.", StringComparison.Ordinal) && key.Length > "attributes.".Length && !string.IsNullOrEmpty(value))
            {
                attributes[key["attributes.".Length..]] = value;
            }
        }

        customer = new Customer(id)
        {
            ContactPoints = contacts.ToImmutable(),
            TimeZoneId = Get(row, "time_zone"),
            Language = Get(row, "language"),
            SignedUpAt = signedUp,
            Consents = consents.ToImmutable(),
            Attributes = attributes.ToImmutable(),
        };
        return null;
    }

    private static string? ToE164(string phone, string? country)
    {
        if (!phone.StartsWith('+') && country is null)
        {
            return null;
        }

        try
        {
            var number = Phones.Parse(phone, phone.StartsWith('+') ? null : country!.ToUpperInvariant());
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string Fingerprint(Dictionary<string, string> row)
    {
        var keys = new List<string>(row.Keys);
        keys.Sort(StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var key in keys)
        {
            var value = row[key].Trim();
            if (value.Length > 0)
            {
                sb.Append(key).Append('\u001f').Append(value).Append('\u001e');
            }
        }

        return sb.ToString();
    }

    private static string MapField(string field, Customer customer)
    {
        if (field.StartsWith("ContactPoints[", StringComparison.Ordinal))
        {
            var end = field.IndexOf(']', StringComparison.Ordinal);
            if (end > 14 && int.TryParse(field.AsSpan(14, end - 14), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < customer.ContactPoints.Length)
            {
                return customer.ContactPoints[i].Kind == ChannelKind.Sms ? "phone" : "email";
            }
        }

        return field switch
        {
            nameof(Customer.Id) => "id",
            nameof(Customer.TimeZoneId) => "time_zone",
            nameof(Customer.Language) => "language",
            nameof(Customer.SignedUpAt) => "signed_up_at",
            _ => field,
        };
    }

    /// <summary>The state of one customer file import.</summary>
    private sealed class CustomerRun(CustomerFileImporter owner, CustomerFileImportOptions options, IProgress<CustomerFileImportProgress>? progress)
    {
        private readonly Dictionary<string, (int Line, string Fingerprint)> _seen = new(StringComparer.Ordinal);
        private readonly List<CustomerFileImportError> _errors = [];
        private List<Customer> _batch = new(options.BatchSize);
        private List<int> _lines = new(options.BatchSize);
        private int _read;
        private int _unchanged;
        private int _rejected;

        public CustomerFileImportOptions Options => options;

        public int Imported { get; private set; }

        public async Task AddAsync(int line, Dictionary<string, string>? row, CustomerFileImportError? error, CancellationToken ct)
        {
            _read++;
            Customer? customer = null;
            if (error is null && row is not null)
            {
                error = ParseCustomer(line, row, out customer);
                if (error is null && customer is not null)
                {
                    var fingerprint = Fingerprint(row);
                    if (_seen.TryGetValue(customer.Id, out var earlier))
                    {
                        if (string.Equals(earlier.Fingerprint, fingerprint, StringComparison.Ordinal))
                        {
                            _unchanged++;
                            customer = null;
                        }
                        else
                        {
                            error = new CustomerFileImportError(line, customer.Id, "id", $"The id was already used on line {earlier.Line} with different data; merge the two rows into one.");
                        }
                    }
                    else
                    {
                        _seen.Add(customer.Id, (line, fingerprint));
                    }
                }
            }

            if (error is not null)
            {
                _rejected++;
                AddError(_errors, options, error);
            }
            else if (customer is not null)
            {
                _batch.Add(customer);
                _lines.Add(line);
                if (_batch.Count >= options.BatchSize)
                {
                    await FlushAsync(ct).ConfigureAwait(false);
                }
            }

            if (_read % options.ProgressInterval == 0)
            {
                progress?.Report(new CustomerFileImportProgress(_read, Imported, _rejected, false));
            }
        }

        public async Task<CustomerFileImportReport> FinishAsync(string kind, CancellationToken ct)
        {
            await FlushAsync(ct).ConfigureAwait(false);
            progress?.Report(new CustomerFileImportProgress(_read, Imported, _rejected, true));
            Log.CustomerFileImported(owner._logger, kind, _read, Imported, _unchanged, _rejected);
            return new CustomerFileImportReport(_read, Imported, _unchanged, _rejected, _errors);
        }

        private async Task FlushAsync(CancellationToken ct)
        {
            if (_batch.Count == 0)
            {
                return;
            }

            var batch = _batch;
            var lines = _lines;
            _batch = new List<Customer>(options.BatchSize);
            _lines = new List<int>(options.BatchSize);
            var report = await owner._importer.ImportAsync(batch, ct).ConfigureAwait(false);
            Imported += report.Imported;
            _unchanged += report.Unchanged;
            foreach (var rejected in report.Errors)
            {
                _rejected++;
                var line = rejected.Index >= 0 && rejected.Index < lines.Count ? lines[rejected.Index] : 0;
                var customer = rejected.Index >= 0 && rejected.Index < batch.Count ? batch[rejected.Index] : null;
                foreach (var fieldError in rejected.Errors)
                {
                    AddError(_errors, options, new CustomerFileImportError(line, rejected.CustomerId, customer is null ? fieldError.Field : MapField(fieldError.Field, customer), fieldError.Message));
                }
            }
        }
    }
}

/// <summary>Source-generated JSON metadata for streaming customer files (trimming- and AOT-safe).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class ImportJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
