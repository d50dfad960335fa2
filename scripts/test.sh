#!/usr/bin/env bash
# The test suite in three tiers, each timed: fast first, then pg and e2e side by side
# (TOWNHALL_TEST_SIDE_BY_SIDE=0: one after another):
#   fast  unit and in-process tests on SQLite (the default while developing: npm run test:fast)
#   pg    the same in-process tests on PostgreSQL (npm run test:pg)
#   e2e   *.e2e.test.ts: real processes from the built dist/, Chromium, crashes, several
#         processes, on SQLite and PostgreSQL (npm run test:e2e)
# Usage: scripts/test.sh [fast] [pg] [e2e] [options for node --test...]; no tier named runs all.
# The pg and e2e tiers find or start a local PostgreSQL when TOWNHALL_TEST_POSTGRES_URL is not
# set (see postgres-for-tests.sh); the e2e tier builds dist/ first unless TOWNHALL_TEST_BUILT is
# set (CI builds it once). Ends with a line "N passed, N failed"; any failing tier fails.
set -euo pipefail
cd "$(dirname "$0")/.."

tiers=()
node_options=()
for arg in "$@"; do
  case "$arg" in
    fast | pg | e2e) tiers+=("$arg") ;;
    *) node_options+=("$arg") ;;
  esac
done
[ ${#tiers[@]} -gt 0 ] || tiers=(fast pg e2e)

needs_postgres=false
for tier in "${tiers[@]}"; do [ "$tier" = fast ] || needs_postgres=true; done
if $needs_postgres && [ -z "${TOWNHALL_TEST_POSTGRES_URL:-}" ]; then
  url=$(bash scripts/postgres-for-tests.sh 2>/dev/null || true)
  if [ -n "$url" ]; then
    export TOWNHALL_TEST_POSTGRES_URL=$url
  elif [ -n "${CI:-}" ]; then
    echo "CI needs PostgreSQL for the tests, and none could be started." >&2
    exit 1
  else
    echo "NOTE: no PostgreSQL found: the pg tier is skipped and the e2e tier runs on SQLite only. Set TOWNHALL_TEST_POSTGRES_URL to a throwaway database to test both." >&2
  fi
fi

# (node runs the files in the order of their names, whatever order they are given in.)
mapfile -t all_files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
in_process=() end_to_end=() on_databases=()
for file in "${all_files[@]}"; do
  if [[ "$file" == *.e2e.test.ts ]]; then end_to_end+=("$file"); else in_process+=("$file"); fi
done
# The pg tier runs only the files that test on the databases; the rest need no second run.
for file in "${in_process[@]}"; do
  if grep -q 'databasesUnderTest()' "$file"; then on_databases+=("$file"); fi
done

# node's own reporter for people and CI (spec on a terminal, TAP otherwise, as node chooses),
# plus one that records the counts and the slowest files for the closing lines.
reporters() {
  local human=tap
  [ -t 1 ] && human=spec
  echo "--test-reporter=$human" --test-reporter-destination=stdout "--test-reporter=./scripts/test-summary.mjs" "--test-reporter-destination=$1"
}

summaries=$(mktemp -d)
trap 'rm -rf "$summaries"' EXIT

# run_tier name databases files...: runs one tier and leaves its outcome in $summaries/<name>.result
# ("<passed> <failed> <seconds> <exit status>"), so tiers can also run side by side.
run_tier() {
  local name=$1 databases=$2
  shift 2
  local started=$SECONDS status=0
  echo "== tier $name: $# files on $databases"
  # shellcheck disable=SC2046 # the reporter options are words
  TOWNHALL_TEST_DATABASES=$databases node --import tsx --test --test-concurrency=2 $(reporters "$summaries/$name") "${node_options[@]}" "$@" || status=$?
  local took=$((SECONDS - started)) passed=0 failed=0
  if [ -s "$summaries/$name" ]; then
    sed -n '/^Slowest/,$p' "$summaries/$name"
    read -r passed failed < <(head -1 "$summaries/$name")
  fi
  [ "$status" = 0 ] || [ "$failed" != 0 ] || failed=1 # the runner failed without a failing test
  echo "$passed $failed $took $status" >"$summaries/$name.result"
  echo "== tier $name took $((took / 60))m$((took % 60))s"
}

e2e_tier() {
  run_tier e2e "sqlite${TOWNHALL_TEST_POSTGRES_URL:+,postgres}" "${end_to_end[@]}"
}

run_pg=false run_e2e=false
for tier in "${tiers[@]}"; do
  case "$tier" in
    fast) run_tier fast sqlite "${in_process[@]}" ;;
    pg) run_pg=true ;;
    e2e) run_e2e=true ;;
  esac
done
[ -n "${TOWNHALL_TEST_POSTGRES_URL:-}" ] || run_pg=false
if $run_e2e; then
  # Real processes run the built release; before the build exists, they run the sources.
  [ -n "${TOWNHALL_TEST_BUILT:-}" ] || npm run build --if-present
fi
if $run_pg && $run_e2e && [ "${TOWNHALL_TEST_SIDE_BY_SIDE:-1}" = 1 ]; then
  # The end-to-end tier spends much of its time waiting (for browsers, servers, mail), so the
  # PostgreSQL tier runs beside it; its report is printed once it has finished.
  echo "== tiers pg and e2e side by side (the pg tier's report follows the e2e tier's)"
  run_tier pg postgres "${on_databases[@]}" >"$summaries/pg.out" 2>&1 &
  pg_job=$!
  e2e_tier
  wait "$pg_job" || true
  cat "$summaries/pg.out"
else
  if $run_pg; then run_tier pg postgres "${on_databases[@]}"; fi
  if $run_e2e; then e2e_tier; fi
fi

echo "== summary"
total_passed=0 total_failed=0 failed_tiers=()
for tier in fast pg e2e; do
  if [ -f "$summaries/$tier.result" ]; then
    read -r passed failed took status <"$summaries/$tier.result"
    printf '%-5s %4d passed, %d failed in %dm%02ds\n' "$tier" "$passed" "$failed" $((took / 60)) $((took % 60))
    total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
    [ "$status" = 0 ] || failed_tiers+=("$tier")
  elif [ "$tier" = pg ] && [[ " ${tiers[*]} " == *" pg "* ]]; then
    echo "pg    skipped: no PostgreSQL"
  fi
done
echo "$total_passed passed, $total_failed failed"
if [ ${#failed_tiers[@]} -gt 0 ]; then
  echo "failed: ${failed_tiers[*]}" >&2
  exit 1
fi
