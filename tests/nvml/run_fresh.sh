#!/bin/sh
# Runs COMMAND against a fresh emulated node: STATE_DIR is emptied and exported as
# MIGKIT_STATE_DIR, and variables that would change the emulator's behaviour (MIGKIT_FAULTS,
# MIGKIT_CATALOG) are cleared. MIGKIT_EMULATE comes from the caller (the ctest ENVIRONMENT).
# Usage: run_fresh.sh STATE_DIR COMMAND [ARGS...]
set -eu
dir=$1
shift
rm -rf "$dir"
mkdir -p "$dir"
MIGKIT_STATE_DIR=$dir
export MIGKIT_STATE_DIR
unset MIGKIT_FAULTS MIGKIT_CATALOG
exec "$@"
