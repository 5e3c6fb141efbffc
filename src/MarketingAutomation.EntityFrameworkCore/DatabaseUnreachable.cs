using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// Turns a failure to open the store's database into a message that names the store, the provider, the data source (the connection
/// string with any password replaced by <c>***</c>) and the fix, for the first use at startup.
/// </summary>
internal static class DatabaseUnreachable
{
    private static readonly string[] SecretKeys = ["password", "pwd", "passphrase", "sslpassword", "ssl password"];

    /// <summary>Creates the exception for a database that could not be opened.</summary>
    /// <param name="db">The context that failed to open.</param>
    /// <param name="exception">The provider's exception.</param>
    /// <returns>The exception to throw, with <paramref name="exception"/> as its inner exception.</returns>
    public static MarketingAutomationException Create(MarketingAutomationDbContext db, Exception exception)
    {
        string provider, dataSource;
        try
        {
            provider = db.Database.ProviderName ?? "unknown provider";
            dataSource = Redact(db.Database.GetConnectionString());
        }
#pragma warning disable CA1031 // Describing the failure must not hide it.
        catch (Exception)
#pragma warning restore CA1031
        {
            provider = "unknown provider";
            dataSource = "(unavailable)";
        }

        var message = $"The EF Core customer store could not open its database ({provider}, data source '{dataSource}'): {exception.Message} Fix: {Fix(exception, dataSource)}";
        return new MarketingAutomationException(message, exception);
    }

    /// <summary>
    /// Whether an exception from opening the database is about reaching or opening it (a provider error, a socket error, a timeout),
    /// not about the schema or the model (those keep their own message).
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>True for a connection failure.</returns>
    public static bool IsConnectionFailure(Exception exception)
    {
        if (exception is OperationCanceledException or MarketingAutomationException)
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or SocketException or TimeoutException or IOException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the connection string with every password-like value replaced by <c>***</c>.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <returns>The redacted connection string.</returns>
    internal static string Redact(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "(none)";
        }

        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }

        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (SecretKeys.Contains(key.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                builder[key] = "***";
            }
        }

        return builder.ConnectionString;
    }

    private static string Fix(Exception exception, string dataSource)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException { SqliteErrorCode: 14 }: // SQLITE_CANTOPEN
                    return "check that the database file's directory exists and that this process may create and write files in it "
                        + "(SQLite also writes the -wal and -shm files next to the database), or change Data Source.";
                case SqliteException { SqliteErrorCode: 8 }: // SQLITE_READONLY
                    return "the database or its directory is read-only for this process: give it write access, remove Mode=ReadOnly, or change Data Source.";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "nothing accepts connections at the host and port of the data source: start the database server, check that it listens "
                        + "there (for PostgreSQL listen_addresses and port in postgresql.conf), or correct Host and Port in the connection string.";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return "the host name of the data source does not resolve: correct Host in the connection string.";
                case SocketException or TimeoutException:
                    return "the database server could not be reached in time: check the network path, the firewall and Host and Port in the connection string.";
                case DbException { SqlState: "28P01" or "28000" }:
                    return "the server refused the credentials: check Username and Password (and pg_hba.conf for PostgreSQL).";
                case DbException { SqlState: "3D000" }:
                    return "the database named in the connection string does not exist: create it, or correct Database in the connection string.";
                case DbException { SqlState: "57P03" }:
                    return "the database server is starting up or shutting down: wait until it accepts connections, then start again.";
            }
        }

        return $"check that the database server is running and reachable and that the connection string ({dataSource}) is right.";
    }
}
