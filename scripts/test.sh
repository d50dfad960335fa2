#!/usr/bin/env bash
# The test suite in three tiers, one after another, each timed:
#   fast  unit and in-process tests on SQLite (the default while developing: npm run test:fast)
#   pg    the same in-process tests on PostgreSQL (npm run test:pg)
#   e2e   *.e2e.test.ts: real processes from the built dist/, Chromium, crashes, several
#         processes, on SQLite and PostgreSQL (npm run test:e2e)
#   unit  the part of fast that pg does not repeat (files that do not test on the databases);
#         CI runs fast and pg on Node 24, and unit and e2e on the machine's Node 20
# Usage: scripts/test.sh [fast] [unit] [pg] [e2e] [options for node --test...]; no tier named
# runs fast, pg and e2e.
# The pg and e2e tiers find or start a local PostgreSQL when TOWNHALL_TEST_POSTGRES_URL is not
# set (see postgres-for-tests.sh); the e2e tier builds dist/ first unless TOWNHALL_TEST_BUILT is
# set (CI builds it once). Ends with a line "N passed, N failed"; any failing tier fails.
set -euo pipefail
cd "$(dirname "$0")/.."

tiers=()
node_options=()
for arg in "$@"; do
  case "$arg" in
    fast | unit | pg | e2e) tiers+=("$arg") ;;
    *) node_options+=("$arg") ;;
  esac
done
[ ${#tiers[@]} -gt 0 ] || tiers=(fast pg e2e)

needs_postgres=false
for tier in "${tiers[@]}"; do [ "$tier" = fast ] || [ "$tier" = unit ] || needs_postgres=true; done
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
without_databases=()
for file in "${in_process[@]}"; do
  if grep -q 'databasesUnderTest()' "$file"; then on_databases+=("$file"); else without_databases+=("$file"); fi
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
total_passed=0 total_failed=0 failed_tiers=() lines=()

run_tier() { # name, databases, concurrency, files...
  local name=$1 databases=$2 concurrency=$3
  shift 3
  local started=$SECONDS status=0
  # The compiled test tree (see scripts/build.js --tests): each file's JavaScript under .tests/.
  local compiled=() options=()
  for file in "$@"; do
    if [[ "$file" == --* ]]; then options+=("$file"); else compiled+=(".tests/${file%.ts}.js"); fi
  done
  echo "== tier $name: ${#compiled[@]} files on $databases${options[*]:+ (${options[*]})}"
  # shellcheck disable=SC2046 # the reporter options are words
  TOWNHALL_TEST_DATABASES=$databases node --enable-source-maps --test "--test-concurrency=$concurrency" $(reporters "$summaries/$name") "${options[@]}" "${node_options[@]}" "${compiled[@]}" || status=$?
  local took=$((SECONDS - started)) passed=0 failed=0
  if [ -s "$summaries/$name" ]; then
    sed -n '/^Slowest/,$p' "$summaries/$name"
    read -r passed failed < <(head -1 "$summaries/$name")
  fi
  [ "$status" = 0 ] || [ "$failed" != 0 ] || failed=1 # the runner failed without a failing test
  total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
  [ "$status" = 0 ] || failed_tiers+=("$name")
  lines+=("$(printf '%-5s %4d passed, %d failed in %dm%02ds' "$name" "$passed" "$failed" $((took / 60)) $((took % 60)))")
  echo "== tier $name took $((took / 60))m$((took % 60))s"
}

# The tests run as JavaScript compiled from src/ and test/ (a second or more of CPU less per test
# file than under the tsx loader); rebuilt only when a source changed, so that runs at the same
# time share one tree. One file alone can still run as TypeScript: node --import tsx --test FILE.
node scripts/build.js --tests --if-stale

# Files run at once: two, one a core. An end-to-end file spends much of its time waiting (on
# Chromium, its servers, mail and retries): its files used about 520 CPU-seconds in all (node,
# Chromium and the servers; /usr/bin/time, one file at a time), where the tier took 7m38 of two
# cores in CI. TOWNHALL_TEST_E2E_CONCURRENCY=3 runs three at once; on a machine that other work
# loaded (load average near 20), the 120-second story in applications-done-when timed out so.
e2e_concurrency=${TOWNHALL_TEST_E2E_CONCURRENCY:-2}

# The in-process tiers run every file in one process where node can (22.8 and later:
# --test-isolation=none): a file no longer pays for loading the modules and building the app's
# schemas again (1.5 to 2.5 CPU-seconds a file, most of the tier's time in separate processes).
# The files then run one after another, on one core, the other left to the tier beside them in CI.
# Each file makes its own database, and module caches are kept per database, so files stay apart;
# on older nodes each file has its own process, two at once.
in_one_process=()
if node --help 2>/dev/null | grep -q -- '--test-isolation'; then in_one_process=(--test-isolation=none); fi

for tier in "${tiers[@]}"; do
  case "$tier" in
    fast) run_tier fast sqlite 2 "${in_one_process[@]}" "${in_process[@]}" ;;
    unit) run_tier unit sqlite 2 "${in_one_process[@]}" "${without_databases[@]}" ;;
    pg)
      if [ -n "${TOWNHALL_TEST_POSTGRES_URL:-}" ]; then
        run_tier pg postgres 2 "${in_one_process[@]}" "${on_databases[@]}"
      else
        lines+=("pg    skipped: no PostgreSQL")
      fi
      ;;
    e2e)
      # Real processes run the built release; before the build exists, they run the sources.
      [ -n "${TOWNHALL_TEST_BUILT:-}" ] || npm run build --if-present
      run_tier e2e "sqlite${TOWNHALL_TEST_POSTGRES_URL:+,postgres}" "$e2e_concurrency" "${end_to_end[@]}"
      ;;
  esac
done

echo "== summary"
printf '%s\n' "${lines[@]}"
echo "$total_passed passed, $total_failed failed"
if [ ${#failed_tiers[@]} -gt 0 ]; then
  echo "failed: ${failed_tiers[*]}" >&2
  exit 1
fi
