#!/usr/bin/env bash
# Installs the real CMP peers the tests talk to, into .peers/ (git-ignored, reused when present):
# OpenSSL 3.5 (ML-DSA, SLH-DSA, ML-KEM, central key generation) and Bouncy Castle 1.80, both from
# Debian trixie's packages, unpacked, never installed system-wide (apt would upgrade libc). Recipe:
# shared/peers.md. Prints the two commands' paths. Only Debian's package registry is used.
#   .peers/bin/openssl35   runs trixie's openssl through trixie's own loader and libraries
#   .peers/bc/classpath    the Bouncy Castle jars, one classpath line
# Also makes sure a JDK (java, javac) is there, installing Debian's default-jdk-headless if not.
set -euo pipefail
cd "$(dirname "$0")/.."
P="$PWD/.peers"
D="$P/debs"
ROOT="$P/root"
mkdir -p "$D/lists/partial" "$D/archives/partial" "$ROOT" "$P/bin" "$P/bc"

if ! command -v javac >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless >/dev/null
fi

OPENSSL="$P/bin/openssl35"
CLASSPATH_FILE="$P/bc/classpath"
if [ -x "$OPENSSL" ] && [ -s "$CLASSPATH_FILE" ] && "$OPENSSL" version >/dev/null 2>&1; then
  echo "peers: $("$OPENSSL" version | cut -d' ' -f1-2), Bouncy Castle $(sed -n 's/.*bcpkix-\([0-9.]*\)\.jar.*/\1/p' "$CLASSPATH_FILE") (cached in .peers/)"
  exit 0
fi

echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' > "$D/sources.list"
A=(-o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$D/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$D/lists"
  -o "Dir::Cache::Archives=$D/archives")
for attempt in 1 2; do
  if apt-get "${A[@]}" update -qq && (cd "$D" && apt-get "${A[@]}" download openssl libssl3t64 libc6 libzstd1 zlib1g \
    libbcprov-java libbcpkix-java libbcutil-java >/dev/null); then
    break
  fi
  echo "install-peers: attempt $attempt to fetch trixie's packages failed" >&2
  [ "$attempt" = 2 ] && exit 1
done
for f in "$D"/*.deb; do dpkg -x "$f" "$ROOT"; done

L="$ROOT/usr/lib/x86_64-linux-gnu"
cat > "$OPENSSL" <<SH
#!/bin/sh
# trixie's openssl 3.5, through trixie's loader and libraries (made by scripts/install-peers.sh).
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$ROOT/usr/bin/openssl" "\$@"
SH
chmod +x "$OPENSSL"

J="$ROOT/usr/share/java"
BCPROV=$(ls "$J"/bcprov-1*.jar | head -1)
BCPKIX=$(ls "$J"/bcpkix-1*.jar | head -1)
BCUTIL=$(ls "$J"/bcutil-1*.jar | head -1)
echo "$BCPROV:$BCPKIX:$BCUTIL" > "$CLASSPATH_FILE"

"$OPENSSL" version
echo "Bouncy Castle: $(basename "$BCPKIX")"
