// WebGPU in Node through the npm package `webgpu` (Dawn). Only imported when
// no navigator.gpu exists, so browser bundles never load it.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Vulkan drivers tried in order when the environment names none: a real GPU first, then software. */
export const VULKAN_DRIVER_CANDIDATES = [
  '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
  '/usr/share/vulkan/icd.d/nvidia_icd.json',
  '/etc/vulkan/icd.d/nvidia_icd.json',
  '/usr/share/vulkan/icd.d/lvp_icd.json', // Mesa lavapipe (faster software driver)
  '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
  '/usr/lib/chromium/vk_swiftshader_icd.json', // Chromium's SwiftShader
];

// Dawn crashes when the object create() returns is garbage-collected while
// devices live: keep it for the life of the process.
let dawnGpu: GPU | undefined;

/** The Dawn GPU object (navigator.gpu equivalent), created once per process. */
export async function nodeGpu(): Promise<GPU> {
  if (dawnGpu) return dawnGpu;
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = tmpdir();
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const found = VULKAN_DRIVER_CANDIDATES.find((p) => existsSync(p));
    if (found) process.env.VK_ICD_FILENAMES = found;
  }
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  dawnGpu = webgpu.create([]) as unknown as GPU;
  return dawnGpu;
}
