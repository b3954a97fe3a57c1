#!/usr/bin/env bash
# The project's test command (README, .ci/run): sets up what the tests need, then runs `dotnet test` on the
# solution. Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~PostgreSql").
#
# Set-up steps, each of which installs what is missing on Debian 12 when run as root and otherwise lets the
# tests that need it say why they skip (or fail under CI=true):
#   - Debian's Chromium, for the report's browser test (scripts/install-chromium.sh);
#   - PostgreSQL 15 + pgvector, a throw-away server for the run (scripts/with-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-chromium.sh
# `dotnet test` builds only the projects the tests need; building the solution first keeps the benchmark and sample
# programs compiling too.
dotnet build FaceEmbeddings.sln
exec scripts/with-postgres.sh dotnet test FaceEmbeddings.sln "$@"
