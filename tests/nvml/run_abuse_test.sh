#!/bin/sh
# Runs nvml_abuse_test on a fresh node with the names the library exports (its dynamic symbol
# table), so that every export, including ones added later, must have a probe.
# Usage: run_abuse_test.sh NM LIBRARY TEST STATE_DIR
set -eu
nm_tool=$1
lib=$2
test_bin=$3
dir=$4
names="$dir.names"
mkdir -p "$(dirname "$dir")"
"$nm_tool" -D --defined-only "$lib" | awk '{ print $NF }' | sort -u > "$names"
exec "$(dirname "$0")/run_fresh.sh" "$dir" "$test_bin" "$names"
