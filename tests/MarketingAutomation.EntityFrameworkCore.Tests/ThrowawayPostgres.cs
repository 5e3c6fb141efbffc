using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The PostgreSQL server the tests use: the one named by <c>MARKETINGAUTOMATION_TEST_POSTGRES</c> when set; otherwise a throwaway
/// cluster started once per test run from the Debian <c>postgresql</c> package's binaries (<c>/usr/lib/postgresql/*/bin</c>) in a
/// temporary directory on a free port, as the <c>postgres</c> user when running as root (PostgreSQL refuses to run as root), and
/// stopped and deleted when the test process exits. When neither exists the tests are skipped with a message saying how to enable them.
/// </summary>
internal static class ThrowawayPostgres
{
    private static readonly Lazy<(string? ConnectionString, string? Problem)> Server = new(Start);

    /// <summary>Gets the admin connection string, or skips the calling test with the reason and the fix.</summary>
    /// <returns>The connection string.</returns>
    public static string ConnectionStringOrSkip()
    {
        var (connection, problem) = Server.Value;
        if (connection is null)
        {
            Assert.Skip(problem ?? "PostgreSQL is not available.");
        }

        return connection;
    }

    private static (string?, string?) Start()
    {
        var configured = Environment.GetEnvironmentVariable(PostgresTestDatabase.Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        const string Fix = "install the Debian package 'postgresql' (apt-get install -y postgresql; .ci/run does) or set "
            + PostgresTestDatabase.Variable + " to a connection string of a server where the user may create databases";
        var bin = FindBinaries();
        if (bin is null)
        {
            return (null, "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: " + Fix + ".");
        }

        var root = Environment.UserName == "root";
        if (root && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            return (null, "Running as root, PostgreSQL must run as the 'postgres' user, and runuser is missing: " + Fix + ".");
        }

        var dir = Path.Combine(Path.GetTempPath(), "ma-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var data = Path.Combine(dir, "data");
        var port = FreePort();
        try
        {
            if (root && Run("chown", ["-R", "postgres:postgres", dir], asPostgres: false) is { } chownError)
            {
                return (null, "Could not hand the cluster directory to the 'postgres' user: " + chownError);
            }

            if (Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], root) is { } initError)
            {
                return (null, "initdb failed: " + initError);
            }

            var settings = string.Create(CultureInfo.InvariantCulture, $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
            if (Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-o", settings, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60", "start"], root) is { } startError)
            {
                return (null, "pg_ctl start failed: " + startError);
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], root);
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            };

            return (string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Maximum Pool Size=50"), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, "Could not start a throwaway PostgreSQL cluster (" + ex.Message + "): " + Fix + ".");
        }
    }

    private static string? FindBinaries()
    {
        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        string? best = null;
        var bestVersion = -1;
        foreach (var version in Directory.GetDirectories(Root))
        {
            var bin = Path.Combine(version, "bin");
            if (File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl"))
                && int.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > bestVersion)
            {
                best = bin;
                bestVersion = number;
            }
        }

        return best;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program (as the postgres user when asked); returns null on success, else its exit code and output.</summary>
    private static string? Run(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            return $"{Path.GetFileName(program)} did not finish within 120 s";
        }

        return process.ExitCode == 0 ? null : $"{Path.GetFileName(program)} exited with {process.ExitCode}: {error.Result.Trim()} {output.Result.Trim()}".Trim();
    }
}
