#!/usr/bin/env bash
# Makes sure a local PostgreSQL server runs and has a throwaway database for the tests, then
# prints its URL. Needs Debian's postgresql package and root (as in CI); prints nothing if
# PostgreSQL cannot be had, so the caller can say so.
set -euo pipefail
# Only the URL goes to stdout: whatever the PostgreSQL tools print goes to stderr, so that a
# message from pg_ctlcluster cannot end up inside the URL the caller captures.
exec 3>&1 1>&2
command -v pg_ctlcluster >/dev/null 2>&1 || exit 0
[ "$(id -u)" = 0 ] || exit 0
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$version" ] || exit 0
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  # 3>&-: the server lives on after this script; were it to keep the caller's stdout open, a
  # caller reading the URL through a pipe would wait for it for ever.
  pg_ctlcluster "$version" main start 3>&-
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -p $port" && break
  sleep 1
done
su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" >/dev/null <<SQL
do \$\$ begin
  if not exists (select from pg_roles where rolname = 'townhall_test') then
    create role townhall_test login password 'townhall_test' createdb;
  end if;
end \$\$;
set client_min_messages = warning;
drop database if exists townhall_test;
create database townhall_test owner townhall_test;
SQL
echo "postgres://townhall_test:townhall_test@127.0.0.1:$port/townhall_test" >&3
