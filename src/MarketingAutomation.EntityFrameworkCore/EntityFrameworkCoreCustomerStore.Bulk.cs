using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>
/// Bulk paths: plain parameterized SQL on the context's connection and transaction, for the writes that touch thousands of rows per
/// call (imported customers, committed decisions, schedules). They bypass change tracking, insert many rows per statement on
/// PostgreSQL (one array per column, unnested) and one prepared statement per row on SQLite, and update customers by id and expected
/// version (the concurrency token), raising <see cref="DbUpdateConcurrencyException"/> when a row changed underneath, exactly as
/// <c>SaveChanges</c> would.
/// </content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
    /// <summary>Below this many items, documents are (de)serialized on the calling thread rather than in parallel.</summary>
    private const int ParallelJsonThreshold = 256;

    private static readonly string[] CustomerColumns = ["id", "next_evaluation_at", "version", "facts", "messages", "recent_events", "learned_state"];
    private static readonly string[] OutboxColumns = ["message_id", "customer_id", "status", "due_at", "attempts", "lease_owner", "lease_until", "provider_message_id", "last_error", "version", "message"];
    private static readonly string[] TraceColumns = ["decision_id", "customer_id", "at", "sequence", "trace"];
    private static readonly string[] ReviewColumns = ["review_id", "customer_id", "created_at", "resolved", "review"];

    /// <summary>The .NET type of each bulk-written column's values, which types the arrays sent to PostgreSQL (<c>unnest</c>).</summary>
    private static readonly Dictionary<string, Type> ColumnTypes = new(StringComparer.Ordinal)
    {
        ["id"] = typeof(string), ["customer_id"] = typeof(string), ["message_id"] = typeof(string), ["review_id"] = typeof(string),
        ["decision_id"] = typeof(Guid),
        ["next_evaluation_at"] = typeof(long), ["version"] = typeof(long), ["due_at"] = typeof(long), ["at"] = typeof(long),
        ["sequence"] = typeof(long), ["created_at"] = typeof(long), ["lease_until"] = typeof(long?),
        ["status"] = typeof(int), ["attempts"] = typeof(int), ["resolved"] = typeof(bool),
        ["facts"] = typeof(string), ["messages"] = typeof(string), ["recent_events"] = typeof(string), ["message"] = typeof(string),
        ["trace"] = typeof(string), ["review"] = typeof(string), ["lease_owner"] = typeof(string), ["provider_message_id"] = typeof(string),
        ["last_error"] = typeof(string), ["learned_state"] = typeof(byte[]),
    };

    /// <summary>The most rows one PostgreSQL bulk statement carries (one array per column, so no parameter limit applies).</summary>
    internal const int MaxRowsPerArrayStatement = 2000;

    /// <summary>Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>), in parallel when there are many.</summary>
    internal static void ForEachIndex(int count, Action<int> body)
    {
        if (count < ParallelJsonThreshold || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // The same exception as the sequential loop would raise (for example a JsonException for a damaged document).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>The SQL value of a decision id: a <see cref="Guid"/> on PostgreSQL (uuid), upper-case text on SQLite as EF Core stores it.</summary>
    private object GuidValue(Guid id) => _isNpgsql ? id : id.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    private static DbCommand CreateCommand(MarketingAutomationDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static DbParameter AddParameter(DbCommand command, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Executes a bulk statement; a database error becomes a <see cref="DbUpdateException"/> so that writes are redone
    /// on the same conditions as with <c>SaveChanges</c> (unique violations, serialization failures and deadlocks on PostgreSQL).</summary>
    private static async Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new DbUpdateException("A bulk write of the MarketingAutomation store failed; see the inner exception.", e);
        }
    }

    /// <summary>
    /// Inserts rows: on PostgreSQL up to <see cref="MaxRowsPerArrayStatement"/> rows per statement, one array parameter per column
    /// (one round trip per chunk); on SQLite, which runs in process and looks parameters up by name in a linear scan, one prepared
    /// single-row statement executed per row.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="db">The context (its current transaction is used).</param>
    /// <param name="table">The table.</param>
    /// <param name="columns">The columns.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="value">The value of a row's column (by index in <paramref name="columns"/>).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    internal async Task InsertRowsAsync<T>(MarketingAutomationDbContext db, string table, string[] columns, IReadOnlyList<T> rows, Func<T, int, object?> value, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var into = $"INSERT INTO {table} ({string.Join(", ", columns)})";
        if (!_isNpgsql)
        {
            var command = CreateCommand(db);
            await using (command.ConfigureAwait(false))
            {
                var parameters = new DbParameter[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    parameters[c] = AddParameter(command, null);
                }

                command.CommandText = into + " VALUES (" + string.Join(", ", parameters.Select(p => p.ParameterName)) + ")";
                foreach (var row in rows)
                {
                    for (var c = 0; c < columns.Length; c++)
                    {
                        parameters[c].Value = value(row, c) ?? DBNull.Value;
                    }

                    await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        // PostgreSQL: one statement per chunk with one array parameter per column, unnested into rows. Arrays travel in Npgsql's
        // binary format and the statement text stays the same, so this costs far less than a multi-row VALUES list of scalars.
        var sql = $"{into} SELECT * FROM unnest({ArrayParameterList(columns.Length)})";
        for (var start = 0; start < rows.Count; start += MaxRowsPerArrayStatement)
        {
            var count = Math.Min(MaxRowsPerArrayStatement, rows.Count - start);
            var arrays = new Array[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                arrays[c] = Array.CreateInstance(ColumnTypes[columns[c]], count);
            }

            for (var r = 0; r < count; r++)
            {
                var row = rows[start + r];
                for (var c = 0; c < columns.Length; c++)
                {
                    arrays[c].SetValue(value(row, c), r);
                }
            }

            await ExecuteArraysAsync(db, sql, arrays, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The parameter names <c>@p0, @p1, ...</c> of <see cref="ExecuteArraysAsync"/>, as a list.</summary>
    private static string ArrayParameterList(int count) =>
        string.Join(", ", Enumerable.Range(0, count).Select(c => "@p" + c.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Executes a statement whose parameters <c>@p0</c>, <c>@p1</c>, ... are the given arrays (PostgreSQL), returning the
    /// number of rows it changed.</summary>
    private static async Task<int> ExecuteArraysAsync(MarketingAutomationDbContext db, string sql, Array[] arrays, CancellationToken cancellationToken)
    {
        var command = CreateCommand(db);
        await using (command.ConfigureAwait(false))
        {
            for (var c = 0; c < arrays.Length; c++)
            {
                AddParameter(command, arrays[c]);
            }

            command.CommandText = sql;
            return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Updates customers by id and expected version: sets the columns in <paramref name="columns"/> (after the id and the expected
    /// version) to the row's values. Throws <see cref="DbUpdateConcurrencyException"/> when a row was not found at its expected
    /// version. On PostgreSQL many rows are updated per statement (<c>UPDATE ... FROM unnest(...)</c>, one round trip per chunk); on
    /// SQLite, which runs in process, one prepared statement is executed per row.
    /// </summary>
    /// <param name="db">The context (its current transaction is used).</param>
    /// <param name="columns">The columns to set.</param>
    /// <param name="rows">The rows: id, expected version, then one value per column.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    private async Task UpdateCustomersAsync(MarketingAutomationDbContext db, string[] columns, List<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var changed = 0;
        if (_isNpgsql)
        {
            // One statement per chunk: the id, expected version and new values as arrays, unnested and joined on id and version.
            var width = columns.Length + 2;
            var names = new string[width];
            names[0] = "id";
            names[1] = "expected";
            var set = new StringBuilder();
            for (var c = 0; c < columns.Length; c++)
            {
                names[c + 2] = "v" + c.ToString(CultureInfo.InvariantCulture);
                set.Append(c == 0 ? string.Empty : ", ").Append(columns[c]).Append(" = v.").Append(names[c + 2]);
            }

            var sql = $"UPDATE customers SET {set} FROM unnest({ArrayParameterList(width)}) AS v({string.Join(", ", names)}) WHERE customers.id = v.id AND customers.version = v.expected";
            for (var start = 0; start < rows.Count; start += MaxRowsPerArrayStatement)
            {
                var count = Math.Min(MaxRowsPerArrayStatement, rows.Count - start);
                var arrays = new Array[width];
                arrays[0] = new string[count];
                arrays[1] = new long[count];
                for (var c = 0; c < columns.Length; c++)
                {
                    arrays[c + 2] = Array.CreateInstance(ColumnTypes[columns[c]], count);
                }

                for (var r = 0; r < count; r++)
                {
                    var row = rows[start + r];
                    for (var c = 0; c < width; c++)
                    {
                        arrays[c].SetValue(row[c], r);
                    }
                }

                changed += await ExecuteArraysAsync(db, sql, arrays, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var command = CreateCommand(db);
            await using (command.ConfigureAwait(false))
            {
                var sql = new StringBuilder("UPDATE customers SET ");
                var parameters = new DbParameter[columns.Length + 2];
                for (var c = 0; c < columns.Length; c++)
                {
                    parameters[c + 2] = AddParameter(command, null);
                    sql.Append(c == 0 ? string.Empty : ", ").Append(columns[c]).Append(" = ").Append(parameters[c + 2].ParameterName);
                }

                parameters[0] = AddParameter(command, null);
                parameters[1] = AddParameter(command, null);
                sql.Append(" WHERE id = ").Append(parameters[0].ParameterName).Append(" AND version = ").Append(parameters[1].ParameterName);
                command.CommandText = sql.ToString();
                foreach (var row in rows)
                {
                    for (var c = 0; c < parameters.Length; c++)
                    {
                        parameters[c].Value = row[c] ?? DBNull.Value;
                    }

                    changed += await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (changed != rows.Count)
        {
            throw new DbUpdateConcurrencyException($"{rows.Count - changed} of {rows.Count} customers changed since they were read.");
        }
    }

    /// <summary>Reads which of the given keys exist in a table's key column.</summary>
    private static async Task<HashSet<string>> ExistingKeysAsync(MarketingAutomationDbContext db, string table, string column, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var command = CreateCommand(db);
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"SELECT {column} FROM {table} WHERE {column} IN ({InList(command, chunk)})";
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var key = reader.GetString(0);
                        // The database may compare keys case-insensitively; the store's keys are ordinal.
                        if (Array.IndexOf(chunk, key) >= 0)
                        {
                            found.Add(key);
                        }
                    }
                }
            }
        }

        return found;
    }

    private static string InList<T>(DbCommand command, IReadOnlyList<T> values)
    {
        var list = new StringBuilder(values.Count * 6);
        for (var i = 0; i < values.Count; i++)
        {
            list.Append(i == 0 ? string.Empty : ", ").Append(AddParameter(command, values[i]).ParameterName);
        }

        return list.ToString();
    }

    /// <summary>
    /// Loads what committing decisions needs of customers, by id: version, schedule and recent messages (not the facts, recent
    /// events or learned state, which a commit never reads). On PostgreSQL the rows are locked <c>FOR UPDATE</c> in id order, as
    /// <see cref="LoadCustomersAsync"/> does. The contexts carry placeholder facts (<c>new Customer(id)</c>) and must only be used
    /// with projections that read the messages, such as <see cref="CustomerProjection.AddMessage"/>.
    /// </summary>
    private async Task<Dictionary<string, CustomerContext>> LoadMessagesAsync(MarketingAutomationDbContext db, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var rows = new List<(string Id, long Version, long Next, string Messages)>();
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var command = CreateCommand(db);
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"SELECT id, version, next_evaluation_at, messages FROM customers WHERE id IN ({InList(command, chunk)}) ORDER BY id{(_isNpgsql ? " FOR UPDATE" : string.Empty)}";
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = reader.GetString(0);
                        if (Array.IndexOf(chunk, id) >= 0)
                        {
                            rows.Add((id, reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
                        }
                    }
                }
            }
        }

        var contexts = new CustomerContext[rows.Count];
        ForEachIndex(rows.Count, i => contexts[i] = new CustomerContext(new Customer(rows[i].Id))
        {
            Messages = StoreJson.Deserialize<ImmutableArray<MessageRecord>>(rows[i].Messages),
            NextEvaluationAt = Instant.FromUnixTimeTicks(rows[i].Next),
            Version = rows[i].Version,
        });
        var result = new Dictionary<string, CustomerContext>(contexts.Length, StringComparer.Ordinal);
        foreach (var context in contexts)
        {
            result[context.Id] = context;
        }

        return result;
    }

    /// <summary>Loads the schedule and version of customers, by id (locked <c>FOR UPDATE</c> in id order on PostgreSQL).</summary>
    private async Task<Dictionary<string, (long Next, long Version)>> LoadSchedulesAsync(MarketingAutomationDbContext db, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (long Next, long Version)>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var command = CreateCommand(db);
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"SELECT id, next_evaluation_at, version FROM customers WHERE id IN ({InList(command, chunk)}) ORDER BY id{(_isNpgsql ? " FOR UPDATE" : string.Empty)}";
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = reader.GetString(0);
                        if (Array.IndexOf(chunk, id) >= 0)
                        {
                            result[id] = (reader.GetInt64(1), reader.GetInt64(2));
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Inserts new customers (documents serialized in parallel when there are many).</summary>
    private Task InsertCustomersAsync(MarketingAutomationDbContext db, IReadOnlyList<CustomerContext> customers, CancellationToken cancellationToken)
    {
        var rows = new object[customers.Count][];
        ForEachIndex(customers.Count, i =>
        {
            var c = customers[i];
            rows[i] =
            [
                c.Id,
                c.NextEvaluationAt.ToUnixTimeTicks(),
                c.Version,
                StoreJson.Serialize(c.Customer),
                StoreJson.Serialize(c.Messages),
                StoreJson.Serialize(LoadedCustomer.StorableEvents(c.RecentEvents)),
                c.LearnedState.ToArray(),
            ];
        });
        return InsertRowsAsync(db, "customers", CustomerColumns, rows, static (row, c) => row[c], cancellationToken);
    }

    private Task InsertOutboxAsync(MarketingAutomationDbContext db, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken) =>
        InsertRowsAsync(db, "outbox", OutboxColumns, rows, static (o, c) => c switch
        {
            0 => o.MessageId,
            1 => o.CustomerId,
            2 => o.Status,
            3 => o.DueAtTicks,
            4 => o.Attempts,
            5 => o.LeaseOwner,
            6 => o.LeaseUntilTicks,
            7 => o.ProviderMessageId,
            8 => o.LastError,
            9 => o.Version,
            _ => o.MessageJson,
        }, cancellationToken);

    private Task InsertTracesAsync(MarketingAutomationDbContext db, IReadOnlyList<TraceRow> rows, CancellationToken cancellationToken) =>
        InsertRowsAsync(db, "traces", TraceColumns, rows, (t, c) => c switch
        {
            0 => GuidValue(t.DecisionId),
            1 => t.CustomerId,
            2 => t.AtTicks,
            3 => t.Sequence,
            _ => t.Json,
        }, cancellationToken);

    private Task InsertReviewsAsync(MarketingAutomationDbContext db, IReadOnlyList<ReviewRow> rows, CancellationToken cancellationToken) =>
        InsertRowsAsync(db, "reviews", ReviewColumns, rows, static (r, c) => c switch
        {
            0 => r.ReviewId,
            1 => r.CustomerId,
            2 => r.CreatedAtTicks,
            3 => r.Resolved,
            _ => r.Json,
        }, cancellationToken);

    /// <summary>Deletes the oldest traces of the given customers beyond <see cref="MaxTracesPerCustomer"/>: one query per chunk of
    /// customers finds those over the limit, then only they are trimmed.</summary>
    private async Task TrimTracesAsync(MarketingAutomationDbContext db, IEnumerable<string> customerIds, CancellationToken cancellationToken)
    {
        var over = new List<string>();
        foreach (var chunk in customerIds.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var command = CreateCommand(db);
            await using (command.ConfigureAwait(false))
            {
                var list = InList(command, chunk);
                var max = AddParameter(command, (long)MaxTracesPerCustomer).ParameterName;
                // Per customer, whether a trace exists beyond the limit: a bounded walk of the (customer, instant) index each. A
                // GROUP BY over the IN list is planned as a scan of the whole table by PostgreSQL while the table's statistics still
                // describe it as small (for example during the first cycle after an import), which cost a scan per commit.
                command.CommandText = $"SELECT c.id FROM customers c WHERE c.id IN ({list}) AND EXISTS (SELECT 1 FROM traces t WHERE t.customer_id = c.id LIMIT 1 OFFSET {max})";
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        over.Add(reader.GetString(0));
                    }
                }
            }
        }

        foreach (var customerId in over)
        {
            await TrimTracesAsync(db, customerId, cancellationToken).ConfigureAwait(false);
        }
    }
}
