#!/usr/bin/env bash
# Release steps for a maintainer (not run by CI: it publishes). Needs VSCE_PAT (Visual Studio
# Marketplace) and OVSX_PAT (Open VSX) in the environment; the version in package.json is the one released.
#   npm run release
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VSCE_PAT:?set VSCE_PAT to a Marketplace token}"
: "${OVSX_PAT:?set OVSX_PAT to an Open VSX token}"
version=$(node -p "require('./package.json').version")
grep -q "^## \[$version\]" CHANGELOG.md || { echo "CHANGELOG.md has no section for $version" >&2; exit 1; }
npm ci --no-audit --no-fund
npm test
npm run package          # builds, packages and checks what the .vsix holds
npx vsce publish --no-dependencies --packagePath cmp-lens.vsix --pat "$VSCE_PAT"
npx --yes ovsx@1.3.0 publish cmp-lens.vsix --pat "$OVSX_PAT"
git tag "v$version"
echo "released $version: push the tag (git push origin v$version)"
