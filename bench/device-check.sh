#!/usr/bin/env bash
# On a machine with a real GPU and no network (nothing installed, no Node.js):
# unpacks .devkit/ (built here by bench/device/pack.sh), checks the GPU kernels
# against their TypeScript twins bit for bit and prints the timing table.
# Usage: bench/device-check.sh [--quick]   (--quick: small sizes, for a software driver)
set -euo pipefail
cd "$(dirname "$0")/.."
kit=$PWD/.devkit
[ -f "$kit/check.mjs" ] || { echo "no .devkit/: run bench/device/pack.sh first (and carry .devkit)" >&2; exit 2; }
work=$(mktemp -d /tmp/ionhop-devkit.XXXXXX)
unxz_to() { # file.xz → path, with xz or Python's lzma
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
unxz_to "$kit/node.xz" "$work/node" && chmod +x "$work/node"
mkdir -p "$work/node_modules/webgpu/dist/linux-x64"
cp "$kit/webgpu/index.js" "$kit/webgpu/package.json" "$work/node_modules/webgpu/"
unxz_to "$kit/dawn.node.xz" "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$kit/check.mjs" "$work/check.mjs"
# Vulkan loader and GLVND (NVIDIA's Vulkan driver lives in libGLX_nvidia, which
# needs libGLdispatch): the system's if it has them, else the carried .debs,
# unpacked under $work (not /) and found through LD_LIBRARY_PATH.
if [ -n "${IONHOP_FORCE_CARRIED_VULKAN:-}" ] || ! ldconfig -p 2>/dev/null | grep -q "libvulkan.so.1" || ! ldconfig -p 2>/dev/null | grep -q "libGLdispatch.so.0"; then
  for f in "$kit"/debs/*.deb; do dpkg -x "$f" "$work/root"; done
  export LD_LIBRARY_PATH="$work/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "using the carried Vulkan loader and GLVND libraries"
fi
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$f" ]; then export VK_DRIVER_FILES="$f"; echo "Vulkan driver: $f"; break; fi
  done
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
cd "$work" && exec ./node check.mjs "$@"
