// The open faces' live net flux (src/observe/liveFlux.ts): batch means over
// equal-time batches of a cumulative counter.
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { LiveFlux } from '../../src/observe/liveFlux';

describe('live flux of cumulative counters', () => {
  it('recovers the rate of a Poisson counter within 4 SE, and a silent counter reads 0 ± 0', () => {
    // Arrivals at 50 per second for 200 s, sampled every 0.1 s (thinned past 1024 samples along the way).
    const rng = seedrandom.alea('flux');
    const flux = new LiveFlux(2);
    let t = 0;
    let next = -Math.log(1 - rng()) / 50;
    let n = 0;
    for (let k = 0; k <= 2000; k++) {
      t = k * 0.1;
      while (next <= t) {
        n++;
        next += -Math.log(1 - rng()) / 50;
      }
      flux.add(t, [n, 7]);
    }
    const [rate, silent] = flux.estimate();
    expect(Math.abs(rate.value - 50)).toBeLessThan(4 * rate.se);
    expect(rate.se).toBeGreaterThan(0);
    expect(rate.se / 50).toBeLessThan(0.05);
    expect(silent).toEqual({ value: 0, se: 0 });
  });

  it('is undefined before two sample times, refuses time going backwards and a wrong width', () => {
    const flux = new LiveFlux(1);
    flux.add(1, [3]);
    flux.add(1, [4]);
    expect(flux.estimate()[0].value).toBeNaN();
    expect(() => flux.add(0.5, [5])).toThrow(/must not decrease/);
    expect(() => flux.add(2, [1, 2])).toThrow(/expects 1 counters/);
    flux.add(3, [8]);
    // 4 → 8 over 2 s, linear between the samples: every batch reads 2 per second.
    expect(flux.estimate()[0].value).toBeCloseTo(2, 12);
  });
});
