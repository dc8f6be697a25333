#!/usr/bin/env bash
# Fails when a committed *_templ.go differs from what templ generates from the .templ files:
# it regenerates a copy of views/ in a temporary folder and compares.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/views"
cp "$root"/views/*.templ "$tmp/views/"
(cd "$root" && go tool -modfile=tools/go.mod templ generate -path "$tmp/views" >/dev/null 2>&1)
stale=0
for g in "$tmp"/views/*_templ.go; do
  name="$(basename "$g")"
  if ! cmp -s "$g" "$root/views/$name"; then
    echo "stale or missing generated file: views/$name (run: go tool -modfile=tools/go.mod task generate)"
    stale=1
  fi
done
for g in "$root"/views/*_templ.go; do
  [ -f "$tmp/views/$(basename "$g")" ] || { echo "orphan generated file: views/$(basename "$g")"; stale=1; }
done
exit $stale
