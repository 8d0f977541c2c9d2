#!/usr/bin/env bash
# Builds .devkit/ (git-ignored through .git/info/exclude): everything
# bench/device-check.sh needs on a GPU machine with no network and no Node.js:
# xz-compressed node and dawn.node, the webgpu package's loader, the bundled
# check, and the Vulkan loader .deb. Run here, from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=.devkit
grep -qxF '/.devkit/' .git/info/exclude 2>/dev/null || echo '/.devkit/' >>.git/info/exclude
mkdir -p "$kit/webgpu" "$kit/debs"
node bench/device/bundle.mjs "$kit/check.mjs"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$kit/webgpu/"
# The compressed binaries are rebuilt only when their source is newer (xz of node takes minutes).
[ "$kit/dawn.node.xz" -nt node_modules/webgpu/dist/linux-x64/dawn.node ] || xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$kit/dawn.node.xz"
[ "$kit/node.xz" -nt "$(command -v node)" ] || xz -T2 -6 -c "$(command -v node)" >"$kit/node.xz"
ls "$kit"/debs/libglvnd0_*.deb >/dev/null 2>&1 || (cd "$kit/debs" && apt-get download libvulkan1 libglvnd0 libegl1 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
du -sh "$kit" && ls -la "$kit" "$kit/debs"
