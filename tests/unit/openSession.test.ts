// The app's worker session runs an open-electrode preset on the CPU engine:
// ions arrive through the faces while the live sample and the frame keep
// finite numbers (the displacement baseline widens with the new ion slots).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulationSession } from '../../src/worker/simulationSession';
import { parseSceneText } from '../../src/model/scene/validate';

describe('worker session with open faces', () => {
  it('runs tis2-desolvation-gate: ions enter and the live MSD stays finite', async () => {
    const scene = parseSceneText(readFileSync(new URL('../../scenes/tis2-desolvation-gate.json', import.meta.url), 'utf8'));
    const session = await SimulationSession.create('cpu', scene, 1);
    let frame = await session.frame();
    for (let k = 0; k < 6; k++) {
      await session.advance({ events: 2000 }, 50);
      frame = await session.frame();
    }
    expect(frame.occupancy.some((o) => o !== 0)).toBe(true);
    expect(frame.sample).not.toBeNull();
    expect(frame.sample!.msd.every((v) => Number.isFinite(v))).toBe(true);
    session.dispose();
  });
});
