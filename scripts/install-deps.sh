#!/usr/bin/env bash
# Installs the Debian 12 packages migkit needs to build and test. Idempotent; uses sudo when not
# root. Every dependency is a Debian package: nothing is downloaded from anywhere else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev librapidcheck-dev libbenchmark-dev
  libglpk-dev
  libhowardhinnant-date-dev
  libsqlite3-dev libssl-dev libcpp-httplib-dev  # migkitd (src/store, src/service)
  prometheus  # promtool checks migkitd's /metrics (tests/service)
  libpq-dev postgresql  # migkitd's PostgreSQL store and its test (tests/service)
  chromium  # headless test of migkitd's web view (tests/service)
  python3 tzdata
  slurmctld slurmd slurm-client munge  # tests/slurm: real Slurm daemons (22.05)
  libgrpc++-dev protobuf-compiler protobuf-compiler-grpc python3-grpcio
  libcpp-httplib-dev libssl-dev python3-kubernetes python3-yaml openssl
)
# The Kubernetes tests drive the fake API server with a real kubectl: Debian's, unless one is
# installed already (kubernetes-client and other kubectl packages both own /usr/bin/kubectl).
command -v kubectl >/dev/null || packages+=(kubernetes-client)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
