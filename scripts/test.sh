#!/usr/bin/env bash
# The whole test suite, on SQLite and on PostgreSQL. Finds or starts a local PostgreSQL when
# TOWNHALL_TEST_POSTGRES_URL is not set (see postgres-for-tests.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TOWNHALL_TEST_POSTGRES_URL:-}" ]; then
  url=$(bash scripts/postgres-for-tests.sh 2>/dev/null || true)
  if [ -n "$url" ]; then
    export TOWNHALL_TEST_POSTGRES_URL=$url
  elif [ -n "${CI:-}" ]; then
    echo "CI needs PostgreSQL for the tests, and none could be started." >&2
    exit 1
  else
    echo "NOTE: no PostgreSQL found: running the tests on SQLite only. Set TOWNHALL_TEST_POSTGRES_URL to a throwaway database to test both." >&2
  fi
fi
echo "Databases under test: SQLite${TOWNHALL_TEST_POSTGRES_URL:+ and PostgreSQL}"
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
