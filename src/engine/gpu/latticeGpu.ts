// LatticeExecutor on WebGPU: shaders/lattice.wgsl through KernelRunner.
import type { LatticeConfig, LatticeDispatch, LatticeExecutor, LatticeStateArrays } from '../../gpu/backends';
import type { GpuContext } from '../../gpu/device';
import { counterWords, dispatchGrid, LATTICE_PARAMS, PARAM_STRIDE_BYTES, writeParams } from '../../gpu/layouts';
import { LATTICE_WGSL } from '../../gpu/shaders';
import { KernelRunner } from './kernelRunner';

export class LatticeGpu implements LatticeExecutor {
  private constructor(private readonly config: LatticeConfig, private readonly runner: KernelRunner) {}

  static async create(ctx: GpuContext, config: LatticeConfig): Promise<LatticeGpu> {
    const ions = Math.max(1, config.nIons);
    const runner = await KernelRunner.create(ctx, 'ionhop lattice', LATTICE_WGSL, 'substep', [
      { name: 'regions', bytes: config.geometry.regionWords.byteLength, readOnly: true, initial: config.geometry.regionWords },
      { name: 'tables', bytes: 8 * config.tablePairs, readOnly: true },
      { name: 'occupancy', bytes: 4 * config.geometry.nSites, initial: config.occupancy },
      { name: 'dx', bytes: 4 * ions },
      { name: 'dy', bytes: 4 * ions },
      { name: 'dz', bytes: 4 * ions },
      { name: 'counters', bytes: 4 * counterWords(config.geometry.nRegions) },
    ]);
    return new LatticeGpu(config, runner);
  }

  writeTables(offsetPairs: number, pairs: Uint32Array): void {
    this.runner.write('tables', 8 * offsetPairs, pairs);
  }

  async run(dispatches: readonly LatticeDispatch[]): Promise<void> {
    const { geometry: g, seed } = this.config;
    const halfCount = (g.nx >> 1) * g.ny * g.nz;
    const { rowThreads } = dispatchGrid(halfCount);
    const params = new Uint32Array((dispatches.length * PARAM_STRIDE_BYTES) / 4);
    dispatches.forEach((d, k) =>
      writeParams(LATTICE_PARAMS, params, k, {
        nx: g.nx, ny: g.ny, nz: g.nz, n_regions: g.nRegions,
        coordination: g.coordination, seed, substep: d.substep, direction: d.direction,
        colour: d.colour, threshold_offset: d.thresholdOffset, periodic_mask: g.periodicMask, half_count: halfCount,
        row_threads: rowThreads, pad0: 0, pad1: 0, pad2: 0,
      }),
    );
    this.runner.run(params, dispatches.length, halfCount);
  }

  async counters(): Promise<Uint32Array> {
    const [c] = await this.runner.read(['counters']);
    return new Uint32Array(c, 0, counterWords(this.config.geometry.nRegions));
  }

  async occupancy(): Promise<Uint32Array> {
    const [o] = await this.runner.read(['occupancy']);
    return new Uint32Array(o, 0, this.config.geometry.nSites);
  }

  async state(): Promise<LatticeStateArrays> {
    const n = this.config.nIons;
    const [o, x, y, z] = await this.runner.read(['occupancy', 'dx', 'dy', 'dz']);
    return { occupancy: new Uint32Array(o, 0, this.config.geometry.nSites), dx: new Int32Array(x, 0, n), dy: new Int32Array(y, 0, n), dz: new Int32Array(z, 0, n) };
  }

  async snapshot(): Promise<{ counters: Uint32Array; state: LatticeStateArrays }> {
    const n = this.config.nIons;
    const [c, o, x, y, z] = await this.runner.read(['counters', 'occupancy', 'dx', 'dy', 'dz']);
    return {
      counters: new Uint32Array(c, 0, counterWords(this.config.geometry.nRegions)),
      state: { occupancy: new Uint32Array(o, 0, this.config.geometry.nSites), dx: new Int32Array(x, 0, n), dy: new Int32Array(y, 0, n), dz: new Int32Array(z, 0, n) },
    };
  }

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
