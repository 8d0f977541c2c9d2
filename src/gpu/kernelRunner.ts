// One WGSL compute kernel on a WebGPU device: its storage buffers, a uniform
// array of per-dispatch params bound with dynamic offsets, batched dispatches
// and readback of only the buffers asked for.
import { assertAlive, type GpuContext } from './device';
import { dispatchGrid, PARAM_STRIDE_BYTES } from './layouts';

export interface StorageSpec {
  readonly name: string;
  readonly bytes: number;
  readonly readOnly?: boolean;
  readonly initial?: ArrayBufferView;
}

/** Most dispatches recorded per submit (params entries in the uniform buffer). */
const PARAM_CAPACITY = 1024;

export class KernelRunner {
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;

  private constructor(private readonly ctx: GpuContext, pipeline: GPUComputePipeline, storages: readonly StorageSpec[]) {
    const device = ctx.device;
    this.pipeline = pipeline;
    this.params = device.createBuffer({ size: PARAM_CAPACITY * PARAM_STRIDE_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    for (const s of storages) {
      const size = Math.max(16, Math.ceil(s.bytes / 16) * 16);
      const buffer = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: s.name });
      if (s.initial) device.queue.writeBuffer(buffer, 0, s.initial.buffer, s.initial.byteOffset, s.initial.byteLength);
      this.buffers.set(s.name, buffer);
    }
    this.bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params, size: PARAM_STRIDE_BYTES } },
        ...storages.map((s, i) => ({ binding: i + 1, resource: { buffer: this.buffers.get(s.name)! } })),
      ],
    });
  }

  /**
   * Builds the kernel's buffers; the pipeline is compiled once per device and
   * kernel and set of pipeline-overridable constants (replicas create many
   * engines). WGSL errors are thrown with their line numbers.
   */
  static async create(ctx: GpuContext, label: string, code: string, entryPoint: string, storages: readonly StorageSpec[], constants: Record<string, number> = {}): Promise<KernelRunner> {
    assertAlive(ctx);
    const pipeline = await cachedPipeline(ctx.device, label, code, entryPoint, storages, constants);
    ctx.device.pushErrorScope('validation');
    const runner = new KernelRunner(ctx, pipeline, storages);
    const error = await ctx.device.popErrorScope();
    if (error) throw new Error(`${label}: buffer setup failed: ${error.message}`);
    return runner;
  }

  write(name: string, byteOffset: number, data: ArrayBufferView): void {
    assertAlive(this.ctx);
    this.ctx.device.queue.writeBuffer(this.buffers.get(name)!, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  /**
   * Runs one dispatch per params entry (each PARAM_STRIDE_BYTES long in
   * `params`), `threads` invocations each (or threads[k] for dispatch k), in order.
   */
  run(params: Uint32Array, count: number, threads: number | readonly number[]): void {
    assertAlive(this.ctx);
    const device = this.ctx.device;
    const grid = typeof threads === 'number' ? dispatchGrid(threads) : null;
    for (let first = 0; first < count; first += PARAM_CAPACITY) {
      const n = Math.min(PARAM_CAPACITY, count - first);
      device.queue.writeBuffer(this.params, 0, params.buffer, params.byteOffset + first * PARAM_STRIDE_BYTES, n * PARAM_STRIDE_BYTES);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(this.pipeline);
      for (let k = 0; k < n; k++) {
        pass.setBindGroup(0, this.bindGroup, [k * PARAM_STRIDE_BYTES]);
        const { groupsX, groupsY } = grid ?? dispatchGrid((threads as readonly number[])[first + k]);
        pass.dispatchWorkgroups(groupsX, groupsY);
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
    }
  }

  /** Copies the named buffers back through one staging buffer: one round trip, one map. */
  async read(names: readonly string[]): Promise<ArrayBuffer[]> {
    assertAlive(this.ctx);
    const device = this.ctx.device;
    const sources = names.map((name) => this.buffers.get(name)!);
    const offsets: number[] = [];
    let total = 0;
    for (const src of sources) {
      offsets.push(total);
      total += src.size; // sizes are multiples of 16
    }
    const staging = device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    sources.forEach((src, k) => encoder.copyBufferToBuffer(src, 0, staging, offsets[k], src.size));
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const all = staging.getMappedRange();
    const out = sources.map((src, k) => all.slice(offsets[k], offsets[k] + src.size));
    staging.unmap();
    staging.destroy();
    assertAlive(this.ctx);
    return out;
  }

  /** Waits until the queued work is done (for timing). */
  async finish(): Promise<void> {
    await this.ctx.device.queue.onSubmittedWorkDone();
    assertAlive(this.ctx);
  }

  checkAlive(): void {
    assertAlive(this.ctx);
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.params.destroy();
  }
}

const pipelines = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

function cachedPipeline(device: GPUDevice, label: string, code: string, entryPoint: string, storages: readonly StorageSpec[], constants: Record<string, number>): Promise<GPUComputePipeline> {
  let perDevice = pipelines.get(device);
  if (!perDevice) pipelines.set(device, (perDevice = new Map()));
  const constantKey = Object.entries(constants).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  const key = `${label}\n${entryPoint}\n${storages.map((s) => (s.readOnly ? 'r' : 'w')).join('')}\n${constantKey}\n${code}`;
  let pipeline = perDevice.get(key);
  if (!pipeline) {
    pipeline = compilePipeline(device, label, code, entryPoint, storages, constants);
    perDevice.set(key, pipeline);
    pipeline.catch(() => perDevice.delete(key));
  }
  return pipeline;
}

async function compilePipeline(device: GPUDevice, label: string, code: string, entryPoint: string, storages: readonly StorageSpec[], constants: Record<string, number>): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ code, label });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    throw new Error(`${label}: WGSL does not compile:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
  }
  const entries: GPUBindGroupLayoutEntry[] = [
    { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAM_STRIDE_BYTES } },
    ...storages.map((s, i) => ({ binding: i + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: (s.readOnly ? 'read-only-storage' : 'storage') as GPUBufferBindingType } })),
  ];
  device.pushErrorScope('validation');
  const layout = device.createPipelineLayout({ bindGroupLayouts: [device.createBindGroupLayout({ entries })] });
  const pipeline = await device.createComputePipelineAsync({ layout, compute: { module, entryPoint, ...(Object.keys(constants).length > 0 ? { constants } : {}) }, label });
  const error = await device.popErrorScope();
  if (error) throw new Error(`${label}: pipeline setup failed: ${error.message}`);
  return pipeline;
}
