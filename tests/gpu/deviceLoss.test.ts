// Device loss is reported, not swallowed: an engine on a lost device throws
// GpuDeviceLostError on its next call, and the next acquireGpu() opens a new device.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSceneText } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import { GpuLatticeEngine } from '../../src/engine/gpu/gpuLatticeEngine';
import { acquireGpu, GpuDeviceLostError } from '../../src/gpu/device';

describe('GPU device loss', () => {
  it('fails the engine loudly and lets the caller start over on a fresh device', async () => {
    const model = compileRateModel(parseSceneText(readFileSync('scenes/lattice-gas.json', 'utf8')));
    const engine = await GpuLatticeEngine.create(model, initialOccupancy(model, 1), { seed: 'loss', seedNumber: 1 });
    await engine.advance({ events: 100 });
    const ctx = await acquireGpu();
    ctx.device.destroy();
    await ctx.device.lost;
    await expect(engine.advance({ events: 100 })).rejects.toThrow(GpuDeviceLostError);
    await expect(engine.ions()).rejects.toThrow(/GPU device lost \(destroyed\)/);
    const fresh = await acquireGpu();
    expect(fresh.device).not.toBe(ctx.device);
    const again = await GpuLatticeEngine.create(model, initialOccupancy(model, 1), { seed: 'loss', seedNumber: 1 });
    expect((await again.advance({ events: 100 })).events).toBeGreaterThanOrEqual(100);
    again.dispose();
  });
});
