#!/usr/bin/env bash
# Runs test_store_pg against a throwaway PostgreSQL (../integration/pg.sh).
# usage: run_unit.sh TEST_BINARY
set -uo pipefail
source "$(dirname "$0")/../integration/pg.sh"
trap pg_stop EXIT
GOFN_TEST_DATABASE_URL=$(pg_database_url unit) || exit 1
export GOFN_TEST_DATABASE_URL
"$1"
