// Region potentials reach the GPU engines through the compiled rate tables:
// the GPU engines must give the same equilibrium as the exact one, n_B/n_A =
// exp(−z·e·Δφ/kBT) per species, on a smaller version of the built-in-potential
// validation case (the full case passes on both, but takes ~2 min on gpu-lattice
// with a software driver). Wrong charge or sign would turn 0.21 into 4.7 (Zn2+)
// or 0.46 into 2.2 (H+): the error bars (about 5–10 %) leave no doubt.
// gpu-lattice runs at its largest step (α = 1), where its equilibrium stays exact.
import { describe, expect, it } from 'vitest';
import { potentialStepChecks } from '../../src/validate/cases/builtInPotential';
import type { EngineKind } from '../../src/engine/engine';
import type { EngineTuning } from '../../src/engine/factory';
import { PASS_SIGMAS } from '../../src/validate/types';

async function expectPotentialStep(engine: EngineKind, hops: number, replicas: number, tuning?: EngineTuning) {
  const checks = await potentialStepChecks(engine, 4242, { ringsPerSpecies: 6, hops, replicas }, tuning);
  expect(checks.length).toBe(3);
  for (const c of checks) {
    const detail = `${engine} ${c.quantity}: theory ${c.theory}, measured ${c.measured} ± ${c.se}`;
    if (process.env.IONHOP_TEST_VERBOSE) console.log(detail);
    expect(c.se / c.theory, detail).toBeLessThan(0.15);
    expect(Math.abs(c.measured - c.theory), detail).toBeLessThan(PASS_SIGMAS * c.se);
  }
}

describe('region potentials on the GPU engines', () => {
  it('gpu-walkers: occupancy ratio across a potential step for Zn2+, H+ and OH-', async () => {
    await expectPotentialStep('gpu-walkers', 600, 6);
  });

  it('gpu-lattice (α = 1): occupancy ratio across a potential step for Zn2+, H+ and OH-', async () => {
    // Fewer steps: every lattice step is a dispatch on the software driver.
    await expectPotentialStep('gpu-lattice', 250, 6, { stepFraction: 1 });
  });
});
