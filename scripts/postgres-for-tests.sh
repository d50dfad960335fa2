#!/usr/bin/env bash
# Makes sure a PostgreSQL server for the tests runs and has a throwaway database, then prints
# its URL. The server is a cluster of its own ("townhall_tests"), so that it can run without
# fsync: fast, and its data is worth nothing after a crash (the machine's other clusters are
# left as they are). Needs Debian's postgresql package and root (as in CI); prints nothing if
# PostgreSQL cannot be had, so the caller can say so.
set -euo pipefail
# Only the URL goes to stdout: whatever the PostgreSQL tools print goes to stderr, so that a
# message from pg_ctlcluster cannot end up inside the URL the caller captures.
exec 3>&1 1>&2
command -v pg_ctlcluster >/dev/null 2>&1 || exit 0
[ "$(id -u)" = 0 ] || exit 0
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$version" ] || exit 0
cluster=townhall_tests
# Durability off: tests never need their data after a crash of the server.
settings=(fsync=off synchronous_commit=off full_page_writes=off)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version $cluster "; then
  pg_createcluster "$version" "$cluster" "${settings[@]/#/--pgoption=}" >/dev/null
fi
started=false
if ! pg_lsclusters -h | grep -q "^$version $cluster .* online"; then
  # 3>&-: the server lives on after this script; were it to keep the caller's stdout open, a
  # caller reading the URL through a pipe would wait for it for ever.
  pg_ctlcluster "$version" "$cluster" start 3>&-
  started=true
fi
port=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $3 }')
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -p $port" && break
  sleep 1
done
psql_admin() { runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 "$@"; }
psql_admin >/dev/null <<SQL
do \$\$ begin
  if not exists (select from pg_roles where rolname = 'townhall_test') then
    create role townhall_test login password 'townhall_test' createdb;
  end if;
end \$\$;
set client_min_messages = warning;
alter system set fsync = off;
alter system set synchronous_commit = off;
alter system set full_page_writes = off;
select pg_reload_conf();
drop database if exists townhall_test;
create database townhall_test owner townhall_test;
SQL
if $started; then
  # A server just started has no test run in progress: the databases a stopped run left behind
  # (each test clones its own from the template) can go.
  psql_admin -Atc "select datname from pg_database where datname like 'townhall\_testdb\_%'" | while read -r name; do
    psql_admin -c "drop database if exists $name with (force)" >/dev/null
  done
fi
echo "postgres://townhall_test:townhall_test@127.0.0.1:$port/townhall_test" >&3
