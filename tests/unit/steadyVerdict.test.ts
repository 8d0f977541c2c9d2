// The steady-state verdict of the exchange observables (a line through 8
// batch fluxes, its slope over its SE against t with 6 degrees of freedom): on
// a truly steady flux it must reject about 5 % of runs, as its 95 % claims (the
// earlier halves test at 2 SE rejected 9.2 %: measured here with the cut at 2,
// the rate read 8.95 %); and it must catch a flux that clearly changes.
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { steadyVerdict, type ReplicaExchange } from '../../src/observe/exchange';

/** One replica with a steady net flux: Gaussian net counts per sample interval (mean 50, sd 7). */
function steadyReplica(random: () => number, samples: number): ReplicaExchange {
  const times = new Float64Array(samples + 1);
  const net = new Float64Array(samples + 1);
  for (let k = 1; k <= samples; k++) {
    const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    times[k] = k;
    net[k] = net[k - 1] + 50 + 7 * g;
  }
  return { times, insertions: [net], removals: [new Float64Array(samples + 1)], population: [], waterNet: new Float64Array(samples + 1), faceOccupancy: [] };
}

describe('steady-state verdict', () => {
  it('rejects about 5 % of steady runs (4000 runs, within 4 binomial SE)', () => {
    const random = seedrandom('steady-verdict');
    const runs = 4000;
    const window = Array.from({ length: 33 }, (_, k) => k);
    let rejected = 0;
    for (let r = 0; r < runs; r++) {
      const replicas = [steadyReplica(random, 32), steadyReplica(random, 32)];
      const v = steadyVerdict(replicas, (x, k) => x.insertions[0][k] - x.removals[0][k], window);
      if (v.reached === false) rejected++;
    }
    const rate = rejected / runs;
    expect(Math.abs(rate - 0.05)).toBeLessThan(4 * Math.sqrt((0.05 * 0.95) / runs));
  });

  it('rejects a flux that doubles across the window', () => {
    const random = seedrandom('trend');
    const replica = steadyReplica(random, 32);
    for (let k = 1; k <= 32; k++) replica.insertions[0][k] += 1.5 * k * k;
    const v = steadyVerdict([replica], (x, k) => x.insertions[0][k], Array.from({ length: 33 }, (_, k) => k));
    expect(v.reached).toBe(false);
    expect(v.statement).toMatch(/^NOT reached/);
  });
});
