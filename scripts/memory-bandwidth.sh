#!/usr/bin/env bash
# Compiles the memory read-bandwidth probe (scripts/memoryBandwidth/readBandwidth.c) with the
# system C compiler for this CPU, once per source and CPU, into a cache outside the clone, and
# prints the binary's path. Later runs reuse it.
#   GURU_MEMORY_BANDWIDTH_CACHE  cache folder (default: $XDG_CACHE_HOME/guru/memory-bandwidth)
set -euo pipefail
cd "$(dirname "$0")/.."

source=scripts/memoryBandwidth/readBandwidth.c
cpu=$( (grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m) | sha256sum | cut -c1-12)
code=$(sha256sum "$source" | cut -c1-12)
cache="${GURU_MEMORY_BANDWIDTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/guru/memory-bandwidth}"
binary="$cache/$(uname -m)-$cpu-$code/readBandwidth"

if [[ ! -x "$binary" ]]; then
  compiler=$(command -v cc || command -v gcc || command -v clang || true)
  if [[ -z "$compiler" ]]; then
    echo "memory-bandwidth: needs a C compiler (Debian: apt-get install gcc)" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$binary")"
  "$compiler" -O3 -march=native -pthread -o "$binary.tmp.$$" "$source"
  mv "$binary.tmp.$$" "$binary"
fi
echo "$binary"
