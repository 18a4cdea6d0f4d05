#!/usr/bin/env bash
# Puts Slurm's gpu/nvml plugin (gpu_nvml.so) into the plugin directory of Debian's Slurm daemons,
# for tests/slurm. Debian ships it in contrib's slurm-wlm-nvml-plugin, which depends on NVIDIA's
# libnvidia-ml (non-free) and pins an older slurm-wlm-basic-plugins, so it is downloaded and
# extracted, not installed; the .so loads with main's daemons of the same upstream version
# (cluster-and-service.md §1.1). Idempotent: an existing gpu_nvml.so is kept. Uses sudo when not
# root. The daemons themselves come from scripts/install-deps.sh.
set -euo pipefail

plugin_dir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)/slurm-wlm
log() { echo "ci-slurm-nvml-plugin: $*"; }

if [ -f "$plugin_dir/gpu_nvml.so" ]; then
  log "gpu_nvml.so already in $plugin_dir"
  exit 0
fi
if [ ! -d "$plugin_dir" ]; then
  echo "ci-slurm-nvml-plugin: $plugin_dir is missing: install the Slurm packages first" \
    "(scripts/install-deps.sh)" >&2
  exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "downloading slurm-wlm-nvml-plugin from Debian contrib (private apt configuration)"
deb=$("$(dirname "$0")/apt-download-contrib.sh" slurm-wlm-nvml-plugin "$work" | tail -n 1)
dpkg-deb -x "$deb" "$work/x"
so=$(find "$work/x" -name gpu_nvml.so -print -quit)
if [ -z "$so" ]; then
  echo "ci-slurm-nvml-plugin: $(basename "$deb") holds no gpu_nvml.so" >&2
  exit 1
fi
"${sudo_cmd[@]}" install -m 644 "$so" "$plugin_dir/gpu_nvml.so"
log "installed gpu_nvml.so from $(basename "$deb") into $plugin_dir"
