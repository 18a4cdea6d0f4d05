#!/usr/bin/env bash
# Installs the real NVML clients that tests/nvml runs against migkit's libnvidia-ml.so.1:
#   * Debian's python3-pynvml (section contrib), downloaded and extracted -- not installed, because
#     it depends on the real driver's library -- into $MIGKIT_PYNVML_DIR
#     (default /var/cache/migkit/pynvml; the CMake option of the same name must agree);
#   * Debian's librust-nvml-wrapper-dev (main), plus cargo and rustc when none is on PATH.
#
# Only Debian packages are used; scripts/apt-download-contrib.sh fetches from contrib without
# touching the system's apt sources.
# Idempotent: what is already present is kept. Uses sudo when not root.
set -euo pipefail

pynvml_dir=${MIGKIT_PYNVML_DIR:-/var/cache/migkit/pynvml}
pynvml_module="$pynvml_dir/usr/lib/python3/dist-packages/pynvml.py"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

log() { echo "ci-nvml-clients: $*"; }

install_pynvml() {
  if [ -f "$pynvml_module" ]; then
    log "python3-pynvml already extracted in $pynvml_dir"
    return
  fi
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  log "downloading python3-pynvml from Debian contrib (private apt configuration)"
  local deb
  deb=$("$(dirname "$0")/apt-download-contrib.sh" python3-pynvml "$work" | tail -n 1)
  "${sudo_cmd[@]}" mkdir -p "$pynvml_dir"
  "${sudo_cmd[@]}" dpkg-deb -x "$deb" "$pynvml_dir"
  log "extracted $(basename "$deb") into $pynvml_dir"
  test -f "$pynvml_module"
}

install_rust_clients() {
  local missing=()
  dpkg-query -W -f='${Status}' librust-nvml-wrapper-dev 2>/dev/null | grep -q "install ok installed" ||
    missing+=(librust-nvml-wrapper-dev)
  if ! command -v cargo >/dev/null 2>&1; then missing+=(cargo rustc); fi
  if [ "${#missing[@]}" -eq 0 ]; then
    log "librust-nvml-wrapper-dev and cargo already present"
    return
  fi
  log "installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_pynvml
install_rust_clients
