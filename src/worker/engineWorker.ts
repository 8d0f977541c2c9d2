// The exact CPU engine in a Web Worker, so a long advance never freezes the
// page. Requests are handled one at a time in arrival order; every answer
// carries the request id.
/// <reference lib="webworker" />
import { SceneError } from '../model/scene/validate';
import { SimulationSession } from './simulationSession';
import type { Frame, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let session: SimulationSession | null = null;
let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const request = e.data;
  queue = queue.then(() => handle(request)).catch((err) => reply(errorResponse(request.id, err)));
};

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'start': {
      session?.dispose();
      session = null;
      session = await SimulationSession.create('cpu', request.scene, request.seed);
      const frame = await session.frame();
      reply({ id: request.id, type: 'started', info: session.info, frame }, frame);
      return;
    }
    case 'setScene': {
      const s = requireSession();
      await s.setScene(request.scene);
      const frame = await s.frame();
      reply({ id: request.id, type: 'frame', frame }, frame);
      return;
    }
    case 'advance': {
      const s = requireSession();
      await s.advance(request.request, request.maxMillis);
      const frame = await s.frame();
      reply({ id: request.id, type: 'frame', frame }, frame);
      return;
    }
    case 'follow': {
      const s = requireSession();
      await s.follow(request.site);
      const frame = await s.frame();
      reply({ id: request.id, type: 'frame', frame }, frame);
      return;
    }
    case 'step': {
      const s = requireSession();
      await s.step();
      const frame = await s.frame();
      reply({ id: request.id, type: 'frame', frame }, frame);
      return;
    }
  }
}

function requireSession(): SimulationSession {
  if (!session) throw new Error('no simulation has been started');
  return session;
}

function reply(message: WorkerResponse, frame?: Frame): void {
  // The occupancy and profiles are fresh copies: hand them over without copying again.
  const transfer: Transferable[] = frame ? [frame.occupancy.buffer as ArrayBuffer, ...frame.profile.map((p) => p.buffer as ArrayBuffer)] : [];
  self.postMessage(message, transfer);
}

function errorResponse(id: number, err: unknown): WorkerResponse {
  if (err instanceof SceneError) return { id, type: 'error', message: err.message, sceneIssues: err.issues };
  return { id, type: 'error', message: err instanceof Error ? err.message : String(err) };
}
