#!/usr/bin/env bash
# Regenerates the EF Core store's migrations from the current model (ApplyMarketingAutomationModel), one set per provider:
#   src/MarketingAutomation.EntityFrameworkCore/Migrations/Sqlite      (SqliteMigrationsDbContext)
#   src/MarketingAutomation.EntityFrameworkCore/Migrations/PostgreSql  (PostgreSqlMigrationsDbContext)
# Usage: eng/update-migrations.sh [Name]
#   No argument: deletes both sets and generates one migration named "Initial" per provider (before the first release, when the
#   model changes). With a name: adds a migration of that name to both sets (after a release, when databases exist in the field).
# Needs the SDK and NuGet (restores the dotnet-ef local tool from dotnet-tools.json); no database.
# Then run the tests: dotnet test --project tests/MarketingAutomation.EntityFrameworkCore.Tests -- --filter-class "*Migration*"
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project=src/MarketingAutomation.EntityFrameworkCore
name="${1:-Initial}"

dotnet tool restore >/dev/null

if [ "$#" -eq 0 ]; then
  # Every trace of the old sets, the model snapshots included (a snapshot left anywhere would make the new migration empty).
  rm -rf "$project/Migrations/Sqlite" "$project/Migrations/PostgreSql" "$project/MarketingAutomation"
  find "$project" -name '*MigrationsDbContextModelSnapshot.cs' -not -path '*/obj/*' -not -path '*/bin/*' -delete
fi

dotnet build "$project" -c Debug -nologo -v q

generate() { # context, folder
  dotnet tool run dotnet-ef migrations add "$name" --no-build --configuration Debug \
    --project "$project" --startup-project "$project" --context "$1" \
    --output-dir "Migrations/$2" --namespace "MarketingAutomation.EntityFrameworkCore.Migrations.$2"
  # dotnet ef puts a new model snapshot in a folder named after the namespace: move it next to its migrations.
  local stray="$project/MarketingAutomation/EntityFrameworkCore/Migrations/$2/$1ModelSnapshot.cs"
  if [ -f "$stray" ]; then mv "$stray" "$project/Migrations/$2/"; fi
  rm -rf "$project/MarketingAutomation"
  # The migrations belong to internal contexts: keep the generated classes internal (no public API, no XML docs needed).
  sed -i -E 's/^    public (partial class)/    internal \1/' "$project/Migrations/$2"/*.cs
}

generate SqliteMigrationsDbContext Sqlite
generate PostgreSqlMigrationsDbContext PostgreSql

dotnet build "$project" -c Debug -nologo -v q
echo "Migrations regenerated under $project/Migrations. Commit them and run the EF Core tests."
