#!/bin/sh
# Builds and runs tests/nvml/rust (nvml-rust-client, on Debian's librust-nvml-wrapper-dev)
# against migkit's libnvidia-ml.so, offline.
#   run_rust_client.sh build CARGO CRATE_DIR WORK_DIR
#       builds the crate with CARGO_HOME and the target directory under WORK_DIR, whose
#       config.toml replaces crates.io with Debian's registry /usr/share/cargo/registry
#   run_rust_client.sh run WORK_DIR EXPECTED
#       runs the client twice -- `--setup` (creates MIG instances), then a second process that
#       only lists -- and compares the output with EXPECTED
# Exits 77 (ctest: skipped) when cargo or the Debian crates are absent.
set -eu
registry=/usr/share/cargo/registry
mode=$1
shift

case "$mode" in
build)
  cargo=$1 crate=$2 work=$3
  if [ -z "$cargo" ] || ! command -v "$cargo" >/dev/null 2>&1; then
    echo "SKIPPED: cargo not found; scripts/ci-nvml-clients.sh installs it"
    exit 77
  fi
  if ! ls -d "$registry"/nvml-wrapper-0.9* "$registry"/nvml-wrapper-sys-0.7* >/dev/null 2>&1; then
    echo "SKIPPED: Debian's librust-nvml-wrapper-dev is not installed in $registry;" \
         "scripts/ci-nvml-clients.sh installs it"
    exit 77
  fi
  mkdir -p "$work/cargo-home" "$work/src"
  cat >"$work/cargo-home/config.toml" <<CONFIG
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$registry"

[net]
offline = true
CONFIG
  # Build from a copy so that Cargo.lock and target/ never land in the source tree.
  cp "$crate/Cargo.toml" "$work/src/"
  mkdir -p "$work/src/src"
  cp "$crate/src/main.rs" "$work/src/src/"
  cd "$work/src"
  CARGO_HOME="$work/cargo-home" CARGO_TARGET_DIR="$work/target" "$cargo" build --offline --quiet
  echo "built $work/target/debug/nvml-rust-client"
  ;;
run)
  work=$1 expected=$2
  client="$work/target/debug/nvml-rust-client"
  if [ ! -x "$client" ]; then
    echo "SKIPPED: $client was not built (see the nvml_rust_build test)"
    exit 77
  fi
  out="$work/output.txt"
  "$client" --setup >"$out"
  echo "-- second process" >>"$out"
  "$client" >>"$out"
  if ! diff -u "$expected" "$out"; then
    echo "FAIL: output differs from $expected"
    exit 1
  fi
  cat "$out"
  ;;
*)
  echo "usage: run_rust_client.sh build CARGO CRATE_DIR WORK_DIR | run WORK_DIR EXPECTED" >&2
  exit 2
  ;;
esac
