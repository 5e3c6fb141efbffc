using System.Globalization;
using CsvHelper;

namespace MarketingAutomation.Simulation;

/// <summary>Reads a CSV file with a header through CsvHelper, checking columns and parsing fields with the invariant culture.</summary>
internal sealed class CsvTable : IDisposable
{
    private readonly CsvReader _csv;
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);

    public CsvTable(string path, char delimiter = ',')
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist; pass the path of the data file (the public data sets live beside the project, in ../shared/data; see its README.md).", path);
        }

        Path = path;
        var options = new CsvReaderOptions
        {
            Separator = delimiter,
            HasHeader = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        _csv = CsvReader.FromFile(path, options);
        Guard(() =>
        {
            _csv.ReadHeader();
            return true;
        });
        Header = [.. _csv.Headers];
        if (Header.Count == 0)
        {
            throw new DataFormatException(path, 1, null, "the file is empty; expected a header line.");
        }

        for (var i = 0; i < Header.Count; i++)
        {
            _columns.TryAdd(Header[i].Trim(), i);
        }
    }

    public string Path { get; }

    public IReadOnlyList<string> Header { get; }

    public long Line => _csv.LineNumber;

    public int Column(string name) => _columns.TryGetValue(name, out var i)
        ? i
        : throw new DataFormatException(Path, 1, name, $"the header has no column '{name}' (header: {string.Join(",", Header)}); use the original file or restore the column.");

    public bool Has(string name) => _columns.ContainsKey(name);

    public bool Read()
    {
        if (!Guard(() => _csv.Read()))
        {
            return false;
        }

        var count = _csv.FieldCount;
        if (count != Header.Count)
        {
            throw new DataFormatException(Path, Line, null, $"expected {Header.Count} columns as in the header but found {count}; fix the line (a value containing the delimiter must be quoted).");
        }

        return true;
    }

    public string Text(int column) => _csv.GetString(column) ?? string.Empty;

    public double Double(int column)
    {
        var s = Text(column);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw Bad(column, s, "a number (invariant culture, '.' as decimal separator)");
    }

    public int Int(int column)
    {
        var s = Text(column);
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        // Some exports write integers as 1.0.
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue
            ? (int)d
            : throw Bad(column, s, "an integer");
    }

    public bool Flag(int column)
    {
        var v = Int(column);
        return v switch
        {
            0 => false,
            1 => true,
            _ => throw Bad(column, Text(column), "0 or 1"),
        };
    }

    public DataFormatException Bad(int column, string value, string expected) =>
        new(Path, Line, Header[column], $"'{value}' is not {expected}; correct the value or remove the line.");

    public void Dispose()
    {
        _csv.Dispose();
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CsvFormatException ex)
        {
            throw new DataFormatException(Path, ex.LineNumber > 0 ? ex.LineNumber : _csv.LineNumber, null, $"malformed CSV ({ex.Message}); check the quoting on this line (a quoted value must end with a quote before the next separator).", ex);
        }
    }
}
