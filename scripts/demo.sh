#!/usr/bin/env bash
# A tour of migkit on an emulated DGX H100 (8x H100-SXM5-80GB), in a throw-away state directory:
# migctl, then the slice service (migkitd), then the simulator (migsim).
set -euo pipefail
MIGCTL=${MIGCTL:-build/migctl}
export MIGKIT_STATE_DIR=${MIGKIT_STATE_DIR:-$(mktemp -d)}
export NO_COLOR=${NO_COLOR:-}

step() { printf '\n\033[1m$ migctl %s\033[0m\n' "$*"; "$MIGCTL" "$@"; }

echo "Emulated node state: $MIGKIT_STATE_DIR"
step gpus
step mig enable -i 0,1
step profiles -i 0
# GPU 0: one 3g for a training job plus small inference slices; larger profiles first.
step create-gi 3g.40gb,2g.20gb,1g.10gb,1g.10gb -i 0 --with-ci
# GPU 1: seven 1g.10gb slices, placed by the driver's own order.
step create-gi 19,19,19,19,19,19,19 -i 1 -C
step instances -i 0
step status -i 0,1

# The slice service: migkitd leases MIG instances to tenants (docs/service.md).
MIGCTL="$MIGCTL" MIGKITD="${MIGKITD:-$(dirname "$MIGCTL")/migkitd}" scripts/demo-service.sh

# The simulator: the seed's day/night case on 32 emulated H100s under every way of sharing
# (docs/simulator.md). MISO's measured speeds are used when the shared research data is present.
MIGSIM=${MIGSIM:-$(dirname "$MIGCTL")/src/sim/migsim}
SPEEDS=../shared/data/perf/miso_a100_40gb_mig_training_iter_time.csv
speeds_flag=()
[[ -f $SPEEDS ]] && speeds_flag=(--speeds "$SPEEDS")
printf '\n\033[1m$ migsim diurnal --config docs/simulator/diurnal.yaml --schedule docs/simulator/day-night-schedule.yaml\033[0m\n'
"$MIGSIM" diurnal --config docs/simulator/diurnal.yaml \
  --schedule docs/simulator/day-night-schedule.yaml "${speeds_flag[@]}" \
  --html "$MIGKIT_STATE_DIR/diurnal.html"
echo "The report with its charts: $MIGKIT_STATE_DIR/diurnal.html"
