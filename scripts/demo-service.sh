#!/usr/bin/env bash
# A tour of migkitd, the MIG slice service, on an emulated node of two H100s: start it, lease and
# release as two tenants, print the usage report, and say how to open the web view.
# KEEP_MIGKITD=1 leaves migkitd running at the end (stop it with Ctrl-C).
set -euo pipefail
MIGCTL=${MIGCTL:-build/migctl}
MIGKITD=${MIGKITD:-build/migkitd}
dir=$(mktemp -d)
head -c 24 /dev/urandom | base64 > "$dir/admin-token"

"$MIGKITD" --state-dir "$dir/state" --admin-token-file "$dir/admin-token" --port 0 \
  --emulate 2xH100-SXM5-80GB --enable-mig > "$dir/migkitd.out" 2> "$dir/migkitd.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do grep -q listening "$dir/migkitd.out" && break; sleep 0.1; done
cat "$dir/migkitd.out"
export MIGKITD_URL; MIGKITD_URL=$(grep -o 'http://[0-9.:]*' "$dir/migkitd.out")

step() { printf '\n\033[1m$ %s migctl %s\033[0m\n' "$1" "${*:2}"; MIGKITD_TOKEN_FILE="$dir/$1" "$MIGCTL" "${@:2}"; }
step admin-token tenant create acme --slices 7
step admin-token tenant create beta --slices 4 --cap 1g.10gb=2
MIGKITD_TOKEN_FILE="$dir/admin-token" "$MIGCTL" tenant token acme > "$dir/acme"
MIGKITD_TOKEN_FILE="$dir/admin-token" "$MIGCTL" tenant token beta > "$dir/beta"
acme_lease=$(MIGKITD_TOKEN_FILE="$dir/acme" "$MIGCTL" lease create 3g.40gb --duration 2h --json |
             python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
printf '\n\033[1m$ acme migctl lease create 3g.40gb --duration 2h\033[0m\n%s\n' "$acme_lease"
step beta lease create 'mem>=9GiB'
step beta lease create 2g.20gb
printf '\n# beta asks for more than its quota of 4 slices:'
step beta lease create 2g.20gb || true
step admin-token lease list
step acme lease release "$acme_lease"
step admin-token usage
step admin-token usage --csv
printf '\nWeb view: open %s/#token=%s while migkitd runs (KEEP_MIGKITD=1 keeps it).\n' \
  "$MIGKITD_URL" "$(cat "$dir/admin-token")"
if [ -n "${KEEP_MIGKITD:-}" ]; then wait $pid; fi
