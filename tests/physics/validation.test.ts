// The physics validation suite on the exact CPU engine: every case must pass
// |measured − theory| < 4·SE + stated systematic, with its fixed seeds.
import { describe, expect, it } from 'vitest';
import { VALIDATION_CASES } from '../../src/validate/suite';
import { PASS_SIGMAS } from '../../src/validate/types';

describe('physics validation on the cpu engine', () => {
  for (const c of VALIDATION_CASES) {
    it(`${c.name}: ${c.title}`, async () => {
      const checks = await c.run({ engine: 'cpu', seedOffset: 0 });
      expect(checks.length).toBeGreaterThan(0);
      for (const k of checks) {
        const detail = `${k.quantity}: theory ${k.theory}, measured ${k.measured} ± ${k.se}, systematic ${k.systematic} (${k.note})`;
        expect(Number.isFinite(k.se) && k.se > 0, detail).toBe(true);
        expect(Math.abs(k.measured - k.theory), detail).toBeLessThan(PASS_SIGMAS * k.se + k.systematic);
        expect(k.pass, detail).toBe(true);
        // A test that cannot fail is no test: the error bar must be small next to the value.
        expect(k.se / Math.abs(k.theory), detail).toBeLessThan(0.08);
      }
    });
  }
});
