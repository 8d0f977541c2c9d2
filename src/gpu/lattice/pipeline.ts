// LatticeExecutor on WebGPU: shaders/lattice.wgsl through KernelRunner.
import type { LatticeConfig, LatticeDispatch, LatticeExecutor, LatticeStateArrays } from '../backends';
import type { GpuContext } from '../device';
import { dispatchGrid, MOVE_RESERVOIR, PARITY_COLOURS } from '../layouts';
import { LATTICE_PARAMS, type LatticeParams } from './layout';
import { LATTICE_WGSL } from '../shaders';
import { IonKernelGpu, type IonKernelSpec } from '../ionKernelGpu';
import type { KernelRunner } from '../kernelRunner';

type LatticeField = (typeof LATTICE_PARAMS)[number];

export class LatticeGpu extends IonKernelGpu<LatticeDispatch, LatticeStateArrays, LatticeField> implements LatticeExecutor {
  private constructor(private readonly config: LatticeConfig, runner: KernelRunner) {
    super(latticeSpec(config), runner, LATTICE_PARAMS);
  }

  static async create(ctx: GpuContext, config: LatticeConfig): Promise<LatticeGpu> {
    return new LatticeGpu(config, await IonKernelGpu.createRunner(ctx, latticeSpec(config)));
  }

  protected paramsOf(d: LatticeDispatch): LatticeParams {
    const { geometry: g, seed, reservoir } = this.config;
    // A reservoir sub-step runs over the face-site list instead of a colour class.
    const faces = d.move === MOVE_RESERVOIR && reservoir ? reservoir : null;
    const c = d.chemistry;
    return {
      move_kind: d.move, species_mask: d.speciesMask, level_stride: c.levelStride, lub_by: c.lubBy,
      lub_sum: c.lubSum, n_faces: reservoir?.faces ?? 0, catalyst: c.catalyst, reaction_species: c.reactionSpecies,
      nx: g.nx, ny: g.ny, nz: g.nz, n_regions: g.nRegions,
      coordination: g.coordination, seed, substep: d.substep, direction: d.direction,
      colour: d.colour, threshold_offset: d.thresholdOffset, periodic_mask: g.periodicMask, half_count: faces ? faces.faceSites : g.colourCount[d.colour],
      row_threads: faces ? dispatchGrid(faces.faceSites).rowThreads : this.rowThreads, direction_offset: this.config.directionOffset, basis: g.basis,
      colour_base: faces ? faces.faceListOffset : g.parityColours ? PARITY_COLOURS : this.config.directionOffset + g.coordination + g.colourStart[d.colour],
    };
  }

  /** A reservoir sub-step runs one invocation per face site only (a 1000² lattice: 2000, not 500 000). */
  protected override threadsOf(d: LatticeDispatch): number {
    const faces = this.config.reservoir;
    return d.move === MOVE_RESERVOIR && faces ? Math.max(1, faces.faceSites) : super.threadsOf(d);
  }

  occupancy(): Promise<Uint32Array> {
    return this.stateWords();
  }

  protected stateOf(occupancy: Uint32Array, dx: Int32Array, dy: Int32Array, dz: Int32Array): LatticeStateArrays {
    return { occupancy, dx, dy, dz };
  }
}

/** One invocation per pair: enough for the largest colour class and the face-site list. */
function pairCount({ geometry: g, reservoir }: LatticeConfig): number {
  return Math.max(...g.colourCount, reservoir?.faceSites ?? 0);
}

function latticeSpec(config: LatticeConfig): IonKernelSpec {
  const { geometry, tablePairs, occupancy, nIons } = config;
  return {
    label: 'ionhop lattice', code: LATTICE_WGSL, entryPoint: 'substep', geometry, tablePairs,
    stateName: 'occupancy', stateWords: occupancy, ions: nIons, threads: pairCount(config), faces: config.reservoir?.faces ?? 0, reaction: config.reaction ?? false,
    // The paths a closed scene without chemistry never takes are compiled out (shaders/lattice.wgsl).
    constants: { HAS_RESERVOIR: config.reservoir ? 1 : 0, HAS_REACTION: config.reaction ? 1 : 0, HAS_LUBRICATION: config.lubrication ? 1 : 0 },
  };
}
