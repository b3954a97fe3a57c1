#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of each packable library from Microsoft.CodeAnalysis.PublicApiAnalyzers' own
# diagnostics: empties the file, builds the project with warnings not as errors, and writes the symbols of the RS0016
# diagnostics ("Symbol '…' is not part of the declared public API"), whose text is the exact entry, sorted.
# PublicAPI.Shipped.txt is left alone: an entry moves there by hand when a version ships (see docs/api-guidelines.md).
# Usage: scripts/update-public-api.sh [project directory...]   (default: the four packable libraries)
set -euo pipefail
cd "$(dirname "$0")/.."

projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(src/FaceEmbeddings.Models src/FaceEmbeddings src/FaceEmbeddings.Analysis src/FaceEmbeddings.PostgreSql)

header='#nullable enable'
for project in "${projects[@]}"; do
    printf '%s\n' "$header" > "$project/PublicAPI.Unshipped.txt"
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for project in "${projects[@]}"; do
    # --no-incremental: the analyzers run again even where the sources did not change.
    dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
        -consoleLoggerParameters:NoSummary >> "$log" 2>&1 || { cat "$log"; exit 1; }
done

for project in "${projects[@]}"; do
    csproj=$(ls "$project"/*.csproj)
    csproj_abs=$(cd "$(dirname "$csproj")" && pwd)/$(basename "$csproj")
    {
        printf '%s\n' "$header"
        grep -F "[$csproj_abs]" "$log" | grep -F 'warning RS0016:' \
            | sed -E "s/.*warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/" \
            | LC_ALL=C sort -u
    } > "$project/PublicAPI.Unshipped.txt"
    echo "$project: $(($(wc -l < "$project/PublicAPI.Unshipped.txt") - 1)) entries in PublicAPI.Unshipped.txt"
    if grep -F "[$csproj_abs]" "$log" | grep -F 'warning RS0017:' | grep -q .; then
        echo "$project: PublicAPI.Shipped.txt lists symbols that are gone (RS0017); mark them *REMOVED* by hand:" >&2
        grep -F "[$csproj_abs]" "$log" | grep -F 'warning RS0017:' | sed 's/ \[.*//' | sort -u >&2
    fi
done
