// Builds an engine by name so callers (CLI, tests, app) hold only the Engine interface.
import type { RateModel } from '../model/rateModel';
import { EngineUnsupportedError, type Engine, type EngineKind } from './engine';

export const ENGINE_KINDS: readonly EngineKind[] = ['cpu', 'gpu-walkers', 'gpu-lattice'];

/** Engine tuning a caller may set per run (defaults in each engine); never module state. */
export interface EngineTuning {
  /** gpu-lattice: largest hop probability per attempt α (default LATTICE_DEFAULT_STEP_FRACTION). */
  stepFraction?: number;
  /** gpu-walkers: mean uniformization ticks per dispatch (default from the walker count). */
  ticksPerDispatch?: number;
}

export interface EngineOptions {
  /** Seed string of the dynamics stream (see replicaSeed). */
  seed: string;
  /** Numeric seed for counter-based GPU streams. */
  seedNumber?: number;
  replica?: number;
  tuning?: EngineTuning;
}

export async function createEngine(kind: EngineKind, model: RateModel, occupancy: Uint8Array, options: EngineOptions): Promise<Engine> {
  // Finite reservoir inventories couple every insertion at a face to one count: exact on the CPU engine only.
  if (kind !== 'cpu' && model.channels.reservoir?.inventory.some((n) => n >= 0)) {
    throw new EngineUnsupportedError(kind, 'a finite reservoir inventory (reservoirs[].inventory) runs on the cpu engine only; use --engine cpu or drop the inventory');
  }
  // Reservoirs and water dissociation in one scene: the CPU engine's slot layout (cpuEngine.ts) holds both; the GPU kernels do not.
  if (kind !== 'cpu' && model.channels.reservoir && model.waterDissociation) {
    throw new EngineUnsupportedError(kind, 'reservoirs together with water dissociation (reservoirs and reactions in one scene) run on the cpu engine only; use --engine cpu');
  }
  switch (kind) {
    case 'cpu': {
      const { CpuEngine } = await import('./cpu/cpuEngine');
      return new CpuEngine(model, occupancy, options.seed);
    }
    case 'gpu-walkers': {
      const { GpuWalkersEngine } = await import('./gpu/gpuWalkersEngine');
      return GpuWalkersEngine.create(model, occupancy, { ...options, ticksPerDispatch: options.tuning?.ticksPerDispatch });
    }
    case 'gpu-lattice': {
      const { GpuLatticeEngine } = await import('./gpu/gpuLatticeEngine');
      return GpuLatticeEngine.create(model, occupancy, { ...options, stepFraction: options.tuning?.stepFraction });
    }
    default:
      throw new Error(`unknown engine "${kind}"; choose one of: ${ENGINE_KINDS.join(', ')}`);
  }
}
