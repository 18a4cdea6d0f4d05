#!/bin/sh
# Times `migctl plan` on 100,000 H100s the ways issue 8 measured: --json, the config alone, and
# reading --current; prints seconds and peak memory (GNU time) and an MD5 of each output (without
# the JSON's "seconds", the one field that varies), so two builds can be compared in one run.
#
#   scripts/measure_plan_io.sh MIGCTL LABEL WORKDIR
#
# WORKDIR/cur.yaml is made on first use (the plan of the same demand, as the current layouts).
set -eu
M=$1; T=$2; W=$3
mkdir -p "$W"
export MIGKIT_STATE_DIR="$W/state"
D="1g.10gb=200000,3g.40gb=50000,2g.20gb=30000"
F=100000xH100-SXM5-80GB
[ -f "$W/cur.yaml" ] || "$M" plan --fleet $F --demand $D --mode fast -o "$W/cur.yaml" >/dev/null
/usr/bin/time -f "$T plan --json: %e s, %M KB" "$M" plan --fleet $F --demand $D --mode fast --json 2>"$W/t1" | grep -v '"seconds"' | md5sum; tail -1 "$W/t1"
/usr/bin/time -f "$T plan: %e s, %M KB" "$M" plan --fleet $F --demand $D --mode fast 2>"$W/t2" | md5sum; tail -1 "$W/t2"
/usr/bin/time -f "$T plan --current: %e s, %M KB" "$M" plan --fleet $F --demand $D --mode fast --current "$W/cur.yaml" 2>"$W/t3" | md5sum; tail -1 "$W/t3"
