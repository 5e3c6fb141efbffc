namespace MarketingAutomation;

/// <summary>One row of an imported file that was not imported (or one problem in it).</summary>
/// <param name="Line">
/// The 1-based physical line of the file where the row starts (the header is line 1). For JSON it is the 1-based position of the element
/// in the array.
/// </param>
/// <param name="CustomerId">The external id of the row, when it had one.</param>
/// <param name="Field">The column (for example <c>email</c>, <c>time_zone</c>, <c>amount</c>), or <c>(row)</c> for the whole row.</param>
/// <param name="Reason">What is wrong and how to fix it; never repeats an e-mail address or phone number.</param>
public sealed record CustomerFileImportError(int Line, string? CustomerId, string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line} ({CustomerId ?? "no id"}) {Field}: {Reason}";
}

/// <summary>What a file import did.</summary>
/// <param name="RowsRead">Data rows (or JSON elements) read, the header not included.</param>
/// <param name="Imported">Customers inserted or changed (purchases: new purchases appended).</param>
/// <param name="Unchanged">Valid rows whose facts were already stored as they are, including identical duplicates in the file.</param>
/// <param name="Rejected">Rows not imported because of an error.</param>
/// <param name="Errors">Every problem found, in file order within each batch.</param>
public sealed record CustomerFileImportReport(int RowsRead, int Imported, int Unchanged, int Rejected, IReadOnlyList<CustomerFileImportError> Errors)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{RowsRead} row(s) read: {Imported} imported, {Unchanged} unchanged, {Rejected} rejected ({Errors.Count} error(s))";
}

/// <summary>Progress of a file import, reported every <see cref="CustomerFileImportOptions.ProgressInterval"/> rows and at the end.</summary>
/// <param name="RowsRead">Data rows read so far.</param>
/// <param name="Imported">Rows imported so far (counted when their batch is stored).</param>
/// <param name="Rejected">Rows rejected so far.</param>
/// <param name="Completed">Whether this is the final report.</param>
public readonly record struct CustomerFileImportProgress(int RowsRead, int Imported, int Rejected, bool Completed);

/// <summary>Options of <see cref="CustomerFileImporter"/>.</summary>
public sealed class CustomerFileImportOptions
{
    /// <summary>Gets or sets how many rows are stored at once (default 1,000).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Gets or sets every how many rows read progress is reported (default 10,000).</summary>
    public int ProgressInterval { get; set; } = 10_000;

    /// <summary>Gets or sets the CSV separator (default <c>,</c>).</summary>
    public char Separator { get; set; } = ',';

    /// <summary>Gets or sets the most errors kept in the report (default 10,000); rows beyond are still counted as rejected.</summary>
    public int MaxErrors { get; set; } = 10_000;
}
