// Acquires one WebGPU device per process (browser: navigator.gpu; Node: Dawn)
// and reports device loss instead of swallowing it.

export interface GpuContext {
  readonly device: GPUDevice;
  /** Adapter description for reports (vendor, device, driver). */
  readonly adapterName: string;
  /** Set when the device was lost; every later use must fail with it. */
  lost: GPUDeviceLostInfo | null;
}

/** No WebGPU adapter: the caller can fall back to the CPU engine. */
export class NoGpuAdapterError extends Error {
  constructor(detail: string) {
    super(`no WebGPU adapter available (${detail}); run with --engine cpu, or install a Vulkan driver (e.g. Mesa lavapipe: apt-get install mesa-vulkan-drivers)`);
    this.name = 'NoGpuAdapterError';
  }
}

/** The device was lost while an engine used it. */
export class GpuDeviceLostError extends Error {
  constructor(info: GPUDeviceLostInfo) {
    super(`GPU device lost (${info.reason}): ${info.message || 'no message'}; the run cannot continue on this device`);
    this.name = 'GpuDeviceLostError';
  }
}

let context: Promise<GpuContext> | undefined;

/** Called with the loss of the shared device (default: console.error). */
export let onDeviceLost: (info: GPUDeviceLostInfo) => void = (info) => {
  console.error(`ionhop: GPU device lost (${info.reason}): ${info.message}`);
};
export function setDeviceLostHandler(handler: (info: GPUDeviceLostInfo) => void): void {
  onDeviceLost = handler;
}

async function gpuEntryPoint(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process !== 'undefined' && process.versions?.node) {
    const { nodeGpu } = await import('./nodeGpu');
    return nodeGpu();
  }
  throw new NoGpuAdapterError('this browser has no navigator.gpu');
}

async function open(): Promise<GpuContext> {
  const gpu = await gpuEntryPoint();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const driver = typeof process !== 'undefined' ? process.env?.VK_ICD_FILENAMES ?? process.env?.VK_DRIVER_FILES : undefined;
    throw new NoGpuAdapterError(driver ? `Vulkan driver ${driver} gave none` : 'requestAdapter() returned null');
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.max(8, Math.min(limits.maxStorageBuffersPerShaderStage, 10)),
    },
  });
  const info = adapter.info;
  const adapterName = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' / ') || 'unknown adapter';
  const ctx: GpuContext = { device, adapterName, lost: null };
  void device.lost.then((lostInfo) => {
    ctx.lost = lostInfo;
    context = undefined; // the next acquireGpu() opens a fresh device
    if (lostInfo.reason !== 'destroyed') onDeviceLost(lostInfo);
  });
  device.addEventListener?.('uncapturederror', (event) => {
    console.error(`ionhop: uncaptured WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  return ctx;
}

/** The process-wide device; throws NoGpuAdapterError when there is no adapter. */
export function acquireGpu(): Promise<GpuContext> {
  if (!context) {
    context = open();
    context.catch(() => {
      context = undefined;
    });
  }
  return context;
}

/** Throws when the device is gone. */
export function assertAlive(ctx: GpuContext): void {
  if (ctx.lost) throw new GpuDeviceLostError(ctx.lost);
}
