#!/usr/bin/env bash
# Formats every C and C++ file git tracks with .clang-format (Debian's clang-format).
#   scripts/format.sh          rewrite the files in place
#   scripts/format.sh --check  change nothing; list the files that differ and exit 1 if any do
# CI runs --check, so a change lands only formatted.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=fix
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: scripts/format.sh [--check]" >&2; exit 2 ;;
esac
command -v clang-format >/dev/null || { echo "format: clang-format is missing (scripts/install-deps.sh installs it)" >&2; exit 3; }

mapfile -t files < <(git ls-files -- '*.c' '*.cc' '*.h')
if [ "$mode" = fix ]; then
  clang-format -i --style=file "${files[@]}"
  exit 0
fi

unformatted=()
for f in "${files[@]}"; do
  clang-format --style=file "$f" | cmp -s - "$f" || unformatted+=("$f")
done
if ((${#unformatted[@]})); then
  echo "format: ${#unformatted[@]} file(s) differ from .clang-format; run scripts/format.sh:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files formatted"
