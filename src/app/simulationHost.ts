// Where the simulation runs, behind one small interface: the exact CPU engine in
// a Web Worker (WorkerHost), or a WebGPU engine on the page (PageHost; GPU work
// is asynchronous, so the page stays responsive). The app holds a SimulationHost
// and never knows which.
import type { Scene } from '../model/scene/schema';
import { SceneError } from '../model/scene/validate';
import type { EngineKind } from '../engine/engine';
import type { AdvanceRequest, Frame, SessionInfo, WorkerRequest, WorkerResponse } from '../worker/protocol';
import { SimulationSession } from '../worker/simulationSession';

export interface Started {
  info: SessionInfo;
  frame: Frame;
}

export interface SimulationHost {
  readonly engine: EngineKind;
  /** Human words for the badge. */
  readonly label: string;
  /** New placement of the ions from the scene and seed, clock at zero. */
  start(scene: Scene, seed: number): Promise<Started>;
  /** Same lattice and ions, new rate model; the run goes on and the observables restart. */
  setScene(scene: Scene): Promise<Frame>;
  /** Covers request.simSeconds (at most request.events events), returning early after about maxMillis of work. */
  advance(request: AdvanceRequest, maxMillis: number): Promise<Frame>;
  /** Exactly one event (CPU) or one sweep (GPU engines): SessionInfo.step says which. */
  step(): Promise<Frame>;
  /** Follows the ion on `site` (its path comes with every frame), or stops following with null. */
  follow(site: number | null): Promise<Frame>;
  /** Asks the advance in flight to end early (Pause); a no-op where it cannot be reached. */
  interrupt(): void;
  dispose(): void;
}

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The exact CPU engine in a module worker. */
export class WorkerHost implements SimulationHost {
  readonly engine: EngineKind = 'cpu';
  readonly label = 'CPU exact · Web Worker';
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('../worker/engineWorker.ts', import.meta.url), { type: 'module', name: 'ionhop-engine' });
    this.worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      p.resolve(e.data);
    };
    this.worker.onerror = (e) => {
      const err = new Error(`the engine worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  async start(scene: Scene, seed: number): Promise<Started> {
    const r = await this.request({ type: 'start', scene, seed });
    if (r.type !== 'started') throw new Error('engine worker answered out of turn');
    return { info: r.info, frame: r.frame };
  }

  async setScene(scene: Scene): Promise<Frame> {
    return this.frameOf(await this.request({ type: 'setScene', scene }));
  }

  async advance(request: AdvanceRequest, maxMillis: number): Promise<Frame> {
    return this.frameOf(await this.request({ type: 'advance', request, maxMillis }));
  }

  async step(): Promise<Frame> {
    return this.frameOf(await this.request({ type: 'step' }));
  }

  async follow(site: number | null): Promise<Frame> {
    return this.frameOf(await this.request({ type: 'follow', site }));
  }

  /** The worker's advance does not yield to messages; its frames stay within MAX_BUDGET_MS anyway. */
  interrupt(): void {}

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('engine stopped'));
    this.pending.clear();
  }

  private frameOf(r: WorkerResponse): Frame {
    if (r.type !== 'frame') throw new Error('engine worker answered out of turn');
    return r.frame;
  }

  private request(body: RequestBody): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id } as WorkerRequest);
    }).then((r) => {
      if (r.type === 'error') throw r.sceneIssues ? new SceneError(r.sceneIssues, 'the scene') : new Error(r.message);
      return r;
    });
  }
}

/** A (WebGPU) engine driven from the page itself. */
export class PageHost implements SimulationHost {
  private session: SimulationSession | null = null;
  constructor(readonly engine: EngineKind, readonly label: string) {}

  async start(scene: Scene, seed: number): Promise<Started> {
    this.session?.dispose();
    this.session = null;
    this.session = await SimulationSession.create(this.engine, scene, seed);
    return { info: this.session.info, frame: await this.session.frame() };
  }

  async setScene(scene: Scene): Promise<Frame> {
    const s = this.requireSession();
    await s.setScene(scene);
    return s.frame();
  }

  async advance(request: AdvanceRequest, maxMillis: number): Promise<Frame> {
    const s = this.requireSession();
    await s.advance(request, maxMillis);
    return s.frame();
  }

  async step(): Promise<Frame> {
    const s = this.requireSession();
    await s.step();
    return s.frame();
  }

  async follow(site: number | null): Promise<Frame> {
    const s = this.requireSession();
    await s.follow(site);
    return s.frame();
  }

  interrupt(): void {
    this.session?.requestStop();
  }

  dispose(): void {
    this.session?.dispose();
    this.session = null;
  }

  private requireSession(): SimulationSession {
    if (!this.session) throw new Error('no simulation is running');
    return this.session;
  }
}
