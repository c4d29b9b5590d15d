#!/usr/bin/env bash
# Re-fetch the vendored front-end packages at their pinned versions from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {  # fetch NAME VERSION DEST FILE...
  local name=$1 version=$2 dest=$3; shift 3
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null && mkdir -p "$name" && tar xzf "${name//\//-}-$version.tgz" -C "$name")
  mkdir -p "static/vendor/$dest"
  for f in "$@"; do cp "$work/$name/package/$f" "static/vendor/$dest/"; done
  cp "$work/$name/package/LICENSE"* "static/vendor/$dest/" 2>/dev/null || true
}
fetch htmx.org 2.0.11 htmx-2.0.11 dist/htmx.min.js
fetch trix 2.1.19 trix-2.1.19 dist/trix.umd.min.js dist/trix.css
