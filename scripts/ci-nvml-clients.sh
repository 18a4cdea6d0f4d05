#!/usr/bin/env bash
# Installs the real NVML clients that tests/nvml runs against migkit's libnvidia-ml.so.1:
#   * Debian's python3-pynvml (section contrib), downloaded and extracted -- not installed, because
#     it depends on the real driver's library -- into $MIGKIT_PYNVML_DIR
#     (default /var/cache/migkit/pynvml; the CMake option of the same name must agree);
#   * Debian's librust-nvml-wrapper-dev (main), plus cargo and rustc when none is on PATH.
#
# Only Debian packages are used, and no host name is written anywhere: contrib is enabled for the
# one download by copying the machine's own Debian source entries with their components replaced
# by "contrib", in a private apt configuration that leaves the system's apt state untouched.
# Idempotent: what is already present is kept. Uses sudo when not root.
set -euo pipefail

pynvml_dir=${MIGKIT_PYNVML_DIR:-/var/cache/migkit/pynvml}
pynvml_module="$pynvml_dir/usr/lib/python3/dist-packages/pynvml.py"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

log() { echo "ci-nvml-clients: $*"; }

# Writes the machine's Debian source entries, with Components set to contrib, into directory $1
# as contrib.sources (deb822) and/or contrib.list (one-line format). Fails if there are none.
derive_contrib_sources() {
  local out=$1 found=0
  local deb822=/etc/apt/sources.list.d/debian.sources
  if [ -f "$deb822" ]; then
    # Keep every stanza whose Types include "deb"; replace its Components line.
    awk '
      BEGIN { RS = ""; ORS = "\n\n" }
      /(^|\n)Types:[^\n]*deb([ \t]|\n|$)/ {
        n = split($0, lines, "\n"); out = ""
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Components:/) lines[i] = "Components: contrib"
          if (lines[i] ~ /^Types:/) lines[i] = "Types: deb"
          out = out lines[i] "\n"
        }
        printf "%s\n", out
      }' "$deb822" >"$out/contrib.sources"
    if grep -q '^URIs:' "$out/contrib.sources"; then found=1; else rm -f "$out/contrib.sources"; fi
  fi
  local list
  for list in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$list" ] || continue
    # "deb [options] URI SUITE COMPONENT...": keep the URI and suite of Debian entries only.
    awk '
      $1 == "deb" {
        i = 2; opts = ""
        if ($i ~ /^\[/) { while ($i !~ /\]$/) { opts = opts $i " "; i++ } opts = opts $i " "; i++ }
        uri = $i; suite = $(i + 1)
        if (uri ~ /debian/ && suite != "") print "deb " opts uri " " suite " contrib"
      }' "$list" >>"$out/contrib.list"
  done
  if [ -s "$out/contrib.list" ]; then found=1; else rm -f "$out/contrib.list"; fi
  [ "$found" -eq 1 ]
}

install_pynvml() {
  if [ -f "$pynvml_module" ]; then
    log "python3-pynvml already extracted in $pynvml_dir"
    return
  fi
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial"
  : >"$work/empty.list"
  if ! derive_contrib_sources "$work/sources.list.d"; then
    echo "ci-nvml-clients: no Debian source entry found in /etc/apt to derive contrib from" >&2
    exit 1
  fi
  local apt_opts=(
    -o "Dir::Etc::SourceList=$work/empty.list"
    -o "Dir::Etc::SourceParts=$work/sources.list.d"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "APT::Get::List-Cleanup=false"
  )
  # apt's sandbox user must be able to write the partial download directories.
  chmod -R a+rwX "$work"
  log "downloading python3-pynvml from Debian contrib (private apt configuration)"
  "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" download -qq python3-pynvml)
  local deb
  deb=$(ls "$work"/python3-pynvml_*.deb)
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
