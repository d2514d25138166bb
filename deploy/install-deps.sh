#!/usr/bin/env bash
# Installs every Debian 12 package the PoC Network needs to build, test and run. Idempotent:
# installs only what is missing, and runs apt-get update only then.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # gRPC and Protocol Buffers (protobuf-compiler-grpc is needed by gRPC's CMake config)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  # crypto, storage, networking, logging
  libssl-dev openssl libsqlite3-dev sqlite3 libboost-dev libboost-system-dev libspdlog-dev
  # header-only helpers
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # poc-bench: the peer it compares against (Eclipse Mosquitto) and libsodium's Ed25519
  mosquitto libmosquitto-dev libsodium-dev
  # the sanitized test build and fuzzing (deploy/sanitize.sh, deploy/fuzz.sh): clang with
  # libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # network-fault tests: network namespaces, veth links, nftables partitions
  iproute2 nftables
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
