#!/usr/bin/env bash
# Fetches Pyodide (Python compiled to WebAssembly) from the npm registry into
# overlap/privacy/browser/vendor/pyodide/, for the encoder that runs in a partner's
# browser. Done once, at install: the dashboard then serves these files itself and
# nothing is fetched at run time (the folder is git-ignored; `make install` runs this).
set -euo pipefail
VERSION="314.0.8"
SHA256="9a52704e0ae5b07aaacb8e4fed9f1658e8024694a078695ea45ac79dee4cefcb"
# what the encoder loads: the loader, the interpreter, the standard library, the lock file
FILES="pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json package.json"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$HERE/overlap/privacy/browser/vendor/pyodide"
if [ -f "$TARGET/.version" ] && [ "$(cat "$TARGET/.version")" = "$VERSION" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then  # Debian's npm, as install_browser.sh installs Chromium
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq npm >/dev/null
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "pyodide@$VERSION" >/dev/null)
echo "$SHA256  $WORK/pyodide-$VERSION.tgz" | sha256sum --check --quiet
tar -xzf "$WORK/pyodide-$VERSION.tgz" -C "$WORK"
rm -rf "$TARGET"
mkdir -p "$TARGET"
for f in $FILES; do cp "$WORK/package/$f" "$TARGET/$f"; done
echo "$VERSION" > "$TARGET/.version"
