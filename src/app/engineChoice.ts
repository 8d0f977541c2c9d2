// The one place that decides which engine runs: a WebGPU engine when the
// browser offers navigator.gpu and the engine accepts the scene, otherwise the
// exact CPU engine in a Web Worker. Returns a started host plus a note that
// says why a fallback happened (shown on the badge).
import type { Scene } from '../model/scene/schema';
import type { EngineKind } from '../engine/engine';
import { WorkerHost, PageHost, type SimulationHost, type Started } from './simulationHost';
import type { EngineChoice } from './urlState';

export interface OpenedHost {
  host: SimulationHost;
  started: Started;
  /** Why the engine differs from the one asked for, if it does. */
  note: string;
  /** Why automatic chose this engine, when that was a deliberate choice rather than a fallback. */
  reason?: string;
}

const GPU_LABELS: Record<Exclude<EngineKind, 'cpu'>, string> = {
  'gpu-lattice': 'WebGPU lattice',
  'gpu-walkers': 'WebGPU walkers',
};

export async function webgpuAvailable(): Promise<string | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return 'this browser does not offer WebGPU';
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? null : 'WebGPU is present but no GPU adapter was found';
  } catch (e) {
    return `WebGPU adapter request failed: ${(e as Error).message}`;
  }
}

/**
 * Why automatic picks the CPU engine for this scene, or null. Open faces and proton chemistry go to the exact
 * engine: it keeps a tracer slot for every ion that enters or forms (gpu-lattice keeps none for inserted ions,
 * IonState.untracked, so their D* and paths could not be shown) and counts every insertion and reaction.
 */
export function autoPrefersCpu(scene: Scene): string | null {
  const open = scene.reservoirs.length > 0;
  const chemistry = scene.reactions.length > 0 || scene.lubrication.length > 0;
  if (!open && !chemistry) return null;
  return `automatic choice: the exact CPU engine runs scenes with ${open ? 'open faces' : 'proton chemistry'}, so every ion that enters or forms is followed and counted; pick a WebGPU engine in Engine to run it there`;
}

export async function openHost(choice: EngineChoice, scene: Scene, seed: number): Promise<OpenedHost> {
  const notes: string[] = [];
  const cpuFirst = choice === 'auto' ? autoPrefersCpu(scene) : null;
  if (cpuFirst) {
    const host = new WorkerHost();
    try {
      return { host, started: await host.start(scene, seed), note: '', reason: cpuFirst };
    } catch (e) {
      host.dispose();
      throw e;
    }
  }
  if (choice !== 'cpu') {
    const missing = await webgpuAvailable();
    if (missing) {
      if (choice !== 'auto') notes.push(`${choice}: ${missing}`);
    } else {
      // Auto prefers the lattice kernel (site exclusion, all species), then walkers (dilute ions).
      const kinds: Exclude<EngineKind, 'cpu'>[] = choice === 'auto' ? ['gpu-lattice', 'gpu-walkers'] : [choice];
      for (const kind of kinds) {
        const host = new PageHost(kind, GPU_LABELS[kind]);
        try {
          const started = await host.start(scene, seed);
          return { host, started, note: notes.join('; ') };
        } catch (e) {
          host.dispose();
          notes.push((e as Error).message);
        }
      }
    }
  }
  const host = new WorkerHost();
  try {
    const started = await host.start(scene, seed);
    return { host, started, note: notes.length > 0 ? `running on the CPU because ${notes.join('; ')}` : '' };
  } catch (e) {
    host.dispose();
    throw e;
  }
}
