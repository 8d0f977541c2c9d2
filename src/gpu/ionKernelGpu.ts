// What the two WebGPU executors share: the storage buffers in binding order
// (shaders/kernel.wgsl: regions, tables, the kernel's state words at binding 3,
// dx, dy, dz, counters), table writes, counters and state read back in one
// round trip, one params struct per dispatch, and the device plumbing. Each
// executor says what goes into its params struct (src/gpu/layouts.ts) and the
// shape of its state.
import type { KernelExecutor } from './backends';
import type { GpuContext } from './device';
import type { KernelGeometry } from './geometry';
import { counterWords, dispatchGrid, PARAM_STRIDE_BYTES, writeParams } from './layouts';
import { KernelRunner } from './kernelRunner';

export interface IonKernelSpec {
  readonly label: string;
  readonly code: string;
  readonly entryPoint: string;
  readonly geometry: KernelGeometry;
  /** Tables buffer size in (hi, lo) pairs. */
  readonly tablePairs: number;
  /** The kernel's state words (binding 3): name, initial contents (their length is the buffer's). */
  readonly stateName: string;
  readonly stateWords: Uint32Array;
  /** Ions, i.e. entries of dx, dy, dz. */
  readonly ions: number;
  /** Invocations per dispatch. */
  readonly threads: number;
  /** Blocks of counterWords(R) in the counters buffer (grouped walkers: one per group; default 1). */
  readonly counterBlocks?: number;
  /** Reservoir faces, each with insertion and removal counters per species (lattice kernel; default 0). */
  readonly faces?: number;
  /** Dissociation and recombination counters (lattice kernel with water dissociation). */
  readonly reaction?: boolean;
  /** Pipeline-overridable constants of the kernel (WGSL `override`), fixed for the executor's life. */
  readonly constants?: Record<string, number>;
}

export abstract class IonKernelGpu<D, S, K extends string> implements KernelExecutor<D, S> {
  /** Threads per row of the dispatch grid (params field row_threads). */
  protected readonly rowThreads: number;

  protected constructor(
    private readonly spec: IonKernelSpec,
    private readonly runner: KernelRunner,
    /** The kernel's params struct, field by field (src/gpu/layouts.ts). */
    private readonly paramFields: readonly K[],
  ) {
    this.rowThreads = dispatchGrid(spec.threads).rowThreads;
  }

  protected static createRunner(ctx: GpuContext, spec: IonKernelSpec): Promise<KernelRunner> {
    const { geometry, ions } = spec;
    const dispBytes = 4 * Math.max(1, ions);
    return KernelRunner.create(ctx, spec.label, spec.code, spec.entryPoint, [
      { name: 'regions', bytes: geometry.regionWords.byteLength, readOnly: true, initial: geometry.regionWords },
      { name: 'tables', bytes: 8 * spec.tablePairs, readOnly: true },
      { name: spec.stateName, bytes: 4 * spec.stateWords.length, initial: spec.stateWords },
      { name: 'dx', bytes: dispBytes },
      { name: 'dy', bytes: dispBytes },
      { name: 'dz', bytes: dispBytes },
      { name: 'counters', bytes: 4 * counterWords(geometry.nRegions, spec.faces, spec.reaction) * (spec.counterBlocks ?? 1) },
    ], spec.constants);
  }

  /** The params struct of one dispatch. */
  protected abstract paramsOf(dispatch: D): Record<K, number>;
  /** The executor's state from its state words and displacements. */
  protected abstract stateOf(words: Uint32Array, dx: Int32Array, dy: Int32Array, dz: Int32Array): S;

  /** Invocations of one dispatch (default: spec.threads for every dispatch); the params' row_threads must follow dispatchGrid of it. */
  protected threadsOf(_dispatch: D): number {
    return this.spec.threads;
  }

  async run(dispatches: readonly D[]): Promise<void> {
    const params = new Uint32Array((dispatches.length * PARAM_STRIDE_BYTES) / 4);
    dispatches.forEach((d, k) => writeParams(this.paramFields, params, k, this.paramsOf(d)));
    const threads = dispatches.map((d) => this.threadsOf(d));
    this.runner.run(params, dispatches.length, threads.every((t) => t === this.spec.threads) ? this.spec.threads : threads);
  }

  writeTables(offsetPairs: number, pairs: Uint32Array): void {
    this.runner.write('tables', 8 * offsetPairs, pairs);
  }

  async counters(): Promise<Uint32Array> {
    const [c] = await this.runner.read(['counters']);
    return this.countersOf(c);
  }

  async state(): Promise<S> {
    const [w, x, y, z] = await this.runner.read([this.spec.stateName, 'dx', 'dy', 'dz']);
    return this.wrapState(w, x, y, z);
  }

  async snapshot(): Promise<{ counters: Uint32Array; state: S }> {
    const [c, w, x, y, z] = await this.runner.read(['counters', this.spec.stateName, 'dx', 'dy', 'dz']);
    return { counters: this.countersOf(c), state: this.wrapState(w, x, y, z) };
  }

  /** The state words alone (one buffer read). */
  protected async stateWords(): Promise<Uint32Array> {
    const [w] = await this.runner.read([this.spec.stateName]);
    return new Uint32Array(w, 0, this.spec.stateWords.length);
  }

  private countersOf(buffer: ArrayBuffer): Uint32Array {
    return new Uint32Array(buffer, 0, counterWords(this.spec.geometry.nRegions, this.spec.faces, this.spec.reaction) * (this.spec.counterBlocks ?? 1));
  }

  private wrapState(w: ArrayBuffer, x: ArrayBuffer, y: ArrayBuffer, z: ArrayBuffer): S {
    const n = this.spec.ions;
    return this.stateOf(new Uint32Array(w, 0, this.spec.stateWords.length), new Int32Array(x, 0, n), new Int32Array(y, 0, n), new Int32Array(z, 0, n));
  }

  /** Waits for queued dispatches (benchmarks). */
  finish(): Promise<void> {
    return this.runner.finish();
  }

  checkAlive(): void {
    this.runner.checkAlive();
  }

  dispose(): void {
    this.runner.dispose();
  }
}
