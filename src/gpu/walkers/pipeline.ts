// WalkersExecutor on WebGPU: shaders/walkers.wgsl through KernelRunner.
import type { WalkerDispatch, WalkersConfig, WalkersExecutor, WalkerStateArrays } from '../backends';
import type { GpuContext } from '../device';
import { WALKER_PARAMS, type WalkerParams } from './layout';
import { WALKERS_WGSL } from '../shaders';
import { IonKernelGpu, type IonKernelSpec } from '../ionKernelGpu';
import type { KernelRunner } from '../kernelRunner';

type WalkerField = (typeof WALKER_PARAMS)[number];

export class WalkersGpu extends IonKernelGpu<WalkerDispatch, WalkerStateArrays, WalkerField> implements WalkersExecutor {
  private constructor(private readonly config: WalkersConfig, runner: KernelRunner) {
    super(walkersSpec(config), runner, WALKER_PARAMS);
  }

  static async create(ctx: GpuContext, config: WalkersConfig): Promise<WalkersGpu> {
    return new WalkersGpu(config, await IonKernelGpu.createRunner(ctx, walkersSpec(config)));
  }

  protected paramsOf(d: WalkerDispatch): WalkerParams {
    const { geometry: g, seed, slotShift, walkers } = this.config;
    return {
      n_walkers: walkers.length, seed, step: d.step, poisson_offset: d.poissonOffset,
      poisson_length: d.poissonLength, nx: g.nx, ny: g.ny, nz: g.nz,
      n_regions: g.nRegions, coordination: g.coordination, slot_shift: slotShift, periodic_mask: g.periodicMask,
      row_threads: this.rowThreads, threshold_offset: d.thresholdOffset, direction_offset: this.config.directionOffset, basis: g.basis,
      n_groups: this.config.groups?.count ?? 0, group_offset: this.config.groups?.groupOffset ?? 0,
      group_info_offset: this.config.groups?.groupInfoOffset ?? 0, schedule_offset: d.scheduleOffset ?? 0,
    };
  }

  protected stateOf(walkers: Uint32Array, dx: Int32Array, dy: Int32Array, dz: Int32Array): WalkerStateArrays {
    return { walkers, dx, dy, dz };
  }
}

function walkersSpec(config: WalkersConfig): IonKernelSpec {
  const { geometry, tablePairs, walkers } = config;
  return {
    label: 'ionhop walkers', code: WALKERS_WGSL, entryPoint: 'walk', geometry, tablePairs,
    stateName: 'walkers', stateWords: walkers, ions: walkers.length, threads: walkers.length,
    counterBlocks: config.groups?.count ?? 1,
  };
}
