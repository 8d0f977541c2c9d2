// WalkersExecutor on WebGPU: shaders/walkers.wgsl through KernelRunner.
import type { WalkerDispatch, WalkersConfig, WalkersExecutor, WalkerStateArrays } from '../../gpu/backends';
import type { GpuContext } from '../../gpu/device';
import { counterWords, dispatchGrid, PARAM_STRIDE_BYTES, WALKER_PARAMS, writeParams } from '../../gpu/layouts';
import { WALKERS_WGSL } from '../../gpu/shaders';
import { KernelRunner } from './kernelRunner';

export class WalkersGpu implements WalkersExecutor {
  private constructor(private readonly config: WalkersConfig, private readonly runner: KernelRunner) {}

  static async create(ctx: GpuContext, config: WalkersConfig): Promise<WalkersGpu> {
    const n = config.walkers.length;
    const runner = await KernelRunner.create(ctx, 'ionhop walkers', WALKERS_WGSL, 'walk', [
      { name: 'regions', bytes: config.geometry.regionWords.byteLength, readOnly: true, initial: config.geometry.regionWords },
      { name: 'tables', bytes: 8 * config.tablePairs, readOnly: true },
      { name: 'walkers', bytes: 4 * n, initial: config.walkers },
      { name: 'dx', bytes: 4 * n },
      { name: 'dy', bytes: 4 * n },
      { name: 'dz', bytes: 4 * n },
      { name: 'counters', bytes: 4 * counterWords(config.geometry.nRegions) },
    ]);
    return new WalkersGpu(config, runner);
  }

  writeTables(offsetPairs: number, pairs: Uint32Array): void {
    this.runner.write('tables', 8 * offsetPairs, pairs);
  }

  async run(dispatches: readonly WalkerDispatch[]): Promise<void> {
    const { geometry: g, seed, slotShift, walkers } = this.config;
    const n = walkers.length;
    const { rowThreads } = dispatchGrid(n);
    const params = new Uint32Array((dispatches.length * PARAM_STRIDE_BYTES) / 4);
    dispatches.forEach((d, k) =>
      writeParams(WALKER_PARAMS, params, k, {
        n_walkers: n, seed, step: d.step, poisson_offset: d.poissonOffset,
        poisson_length: d.poissonLength, nx: g.nx, ny: g.ny, nz: g.nz,
        n_regions: g.nRegions, coordination: g.coordination, slot_shift: slotShift, periodic_mask: g.periodicMask,
        row_threads: rowThreads, threshold_offset: d.thresholdOffset, pad0: 0, pad1: 0,
      }),
    );
    this.runner.run(params, dispatches.length, n);
  }

  async counters(): Promise<Uint32Array> {
    const [c] = await this.runner.read(['counters']);
    return new Uint32Array(c, 0, counterWords(this.config.geometry.nRegions));
  }

  async state(): Promise<WalkerStateArrays> {
    const n = this.config.walkers.length;
    const [w, x, y, z] = await this.runner.read(['walkers', 'dx', 'dy', 'dz']);
    return { walkers: new Uint32Array(w, 0, n), dx: new Int32Array(x, 0, n), dy: new Int32Array(y, 0, n), dz: new Int32Array(z, 0, n) };
  }

  async snapshot(): Promise<{ counters: Uint32Array; state: WalkerStateArrays }> {
    const n = this.config.walkers.length;
    const [c, w, x, y, z] = await this.runner.read(['counters', 'walkers', 'dx', 'dy', 'dz']);
    return {
      counters: new Uint32Array(c, 0, counterWords(this.config.geometry.nRegions)),
      state: { walkers: new Uint32Array(w, 0, n), dx: new Int32Array(x, 0, n), dy: new Int32Array(y, 0, n), dz: new Int32Array(z, 0, n) },
    };
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
