#!/usr/bin/env bash
# apt-download-contrib.sh PACKAGE DIR: downloads the .deb of PACKAGE from Debian's contrib
# component into DIR and prints its path. Nothing is installed.
#
# Only Debian packages are used, and no host name is written anywhere: contrib is enabled for the
# one download by copying the machine's own Debian source entries with their components replaced
# by "contrib", in a private apt configuration that leaves the system's apt state untouched.
# Uses sudo when not root.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PACKAGE DIR" >&2
  exit 2
fi
package=$1
dest=$2

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
: >"$work/empty.list"
if ! derive_contrib_sources "$work/sources.list.d"; then
  echo "apt-download-contrib: no Debian source entry found in /etc/apt to derive contrib from" >&2
  exit 1
fi
apt_opts=(
  -o "Dir::Etc::SourceList=$work/empty.list"
  -o "Dir::Etc::SourceParts=$work/sources.list.d"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "APT::Get::List-Cleanup=false"
)
# apt's sandbox user must be able to write the partial download directories.
chmod -R a+rwX "$work"
"${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update -qq
(cd "$work/deb" && "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" download -qq "$package")
mkdir -p "$dest"
deb=$(ls "$work/deb/${package}"_*.deb)
cp "$deb" "$dest/"
echo "$dest/$(basename "$deb")"
