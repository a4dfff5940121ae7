#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the source node-llama-cpp ships, once per llama.cpp release
# and CPU, into a cache outside the clone, and prints the binary's path. Later runs reuse it.
#   GURU_LLAMA_SERVER_CACHE  cache folder (default: $XDG_CACHE_HOME/guru/llama-server)
#   GURU_LLAMA_SERVER        use this binary instead (printed as is, nothing is built)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n "${GURU_LLAMA_SERVER:-}" ]]; then
  echo "$GURU_LLAMA_SERVER"
  exit 0
fi

package=node_modules/node-llama-cpp/llama
if [[ ! -f "$package/gitRelease.bundle" ]]; then
  echo "llama-server: $package/gitRelease.bundle is missing; run npm ci first" >&2
  exit 1
fi
release=$(node -e 'console.log(require("./'"$package"'/llama.cpp.info.json").tag)')
# A native build uses this CPU's instructions (3x faster than portable here): key it by the CPU.
cpu=$( (grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m) | sha256sum | cut -c1-12)
cache="${GURU_LLAMA_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/guru/llama-server}"
target="$cache/$release-$(uname -m)-$cpu"
binary="$target/llama-server"

if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi

missing=()
for tool in cmake ninja g++ git; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  echo "llama-server: needs ${missing[*]} (Debian: apt-get install cmake ninja-build g++ git)" >&2
  exit 1
fi

mkdir -p "$cache"
# One build at a time per cache, however many test workers or shells ask.
exec 9>"$cache/.lock"
flock 9
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "llama-server: building llama.cpp $release for this CPU (one time, several minutes)…" >&2
git -c advice.detachedHead=false clone -q "$package/gitRelease.bundle" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF \
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DBUILD_SHARED_LIBS=OFF \
  -DGGML_NATIVE=ON -DLLAMA_CURL=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" -j"$(nproc)" --target llama-server >"$work/build.log" 2>&1 ||
  { tail -50 "$work/build.log" >&2; exit 1; }
mkdir -p "$target"
install -m 755 "$work/build/bin/llama-server" "$binary.tmp"
mv "$binary.tmp" "$binary"
echo "llama-server: built $binary" >&2
echo "$binary"
