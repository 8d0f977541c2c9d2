// TypeScript twin of shaders/walkers.wgsl: the same uniformized walk with the
// same random words and integer decisions, walker by walker.
import type { WalkerDispatch, WalkersConfig, WalkersExecutor, WalkerStateArrays } from '../backends';
import { counterWords, crossingCounterIndex, eventCounterIndex, groupCounterBase, hopThresholdIndex, packIonWord, SITE_MASK, speciesOfWord } from '../layouts';
import { below64, pcg4d } from '../rng';
import { poissonDraw } from '../thresholds';
import { directionUnit, stepFrom } from '../geometry';

export class WalkersTwin implements WalkersExecutor {
  private readonly tables: Uint32Array;
  private readonly walkers: Uint32Array;
  private readonly dx: Int32Array;
  private readonly dy: Int32Array;
  private readonly dz: Int32Array;
  private readonly counterWords: Uint32Array;

  constructor(private readonly config: WalkersConfig) {
    this.tables = new Uint32Array(2 * config.tablePairs);
    this.walkers = config.walkers.slice();
    const n = config.walkers.length;
    this.dx = new Int32Array(n);
    this.dy = new Int32Array(n);
    this.dz = new Int32Array(n);
    this.counterWords = new Uint32Array(counterWords(config.geometry.nRegions) * (config.groups?.count ?? 1));
  }

  writeTables(offsetPairs: number, pairs: Uint32Array): void {
    this.tables.set(pairs, 2 * offsetPairs);
  }

  async run(dispatches: readonly WalkerDispatch[]): Promise<void> {
    for (const d of dispatches) this.dispatch(d);
  }

  private add64(index: number, value: number): void {
    const old = this.counterWords[index];
    const sum = (old + value) >>> 0;
    this.counterWords[index] = sum;
    if (sum < old) this.counterWords[index + 1] = (this.counterWords[index + 1] + 1) >>> 0;
  }

  private dispatch(p: WalkerDispatch): void {
    const { geometry: g, slotShift, directionOffset, groups } = this.config;
    const { nx, ny, nRegions: R, coordination: Z, regionWords, basis } = g;
    const tables = this.tables;
    const regionOf = (site: number) => (regionWords[site >>> 2] >>> ((site & 3) * 8)) & 0xff;
    const coord = new Int32Array(4);
    const next = new Int32Array(4);
    const delta = [0, 0, 0];
    const hopsPerSpecies = [0, 0, 0, 0];
    for (let idx = 0; idx < this.walkers.length; idx++) {
      // One replica alone: everything from the dispatch. Grouped: from the tables (as the kernel reads them).
      let walker = idx;
      let seed = this.config.seed;
      let step = p.step;
      let thresholdOffset = p.thresholdOffset;
      let poissonOffset = p.poissonOffset;
      let poissonLength = p.poissonLength;
      let counterBase = 0;
      if (groups) {
        const m = 2 * (groups.groupOffset + idx);
        const group = tables[m];
        walker = tables[m + 1];
        const info = 2 * (groups.groupInfoOffset + group);
        seed = tables[info];
        thresholdOffset = tables[info + 1];
        const sched = 2 * (p.scheduleOffset! + 2 * group);
        step = tables[sched];
        poissonOffset = tables[sched + 2];
        poissonLength = tables[sched + 3];
        counterBase = groupCounterBase(R, group);
      }
      const word = this.walkers[idx];
      const species = speciesOfWord(word);
      let site = word & SITE_MASK;
      const cell = Math.floor(site / basis);
      coord[3] = site % basis;
      coord[0] = cell % nx;
      coord[1] = Math.floor(cell / nx) % ny;
      coord[2] = Math.floor(cell / (nx * ny));
      let region = regionOf(site);
      delta[0] = delta[1] = delta[2] = 0;
      let hops = 0;
      const draw = pcg4d(walker, seed, step, 0);
      const ticks = poissonDraw(tables, poissonOffset, poissonLength, draw[0], draw[1]);
      for (let t = 0; t < ticks; t++) {
        const h = pcg4d(walker, seed, step, t + 1);
        const slot = h[0] >>> slotShift;
        if (slot >= Z) continue;
        const w = tables[2 * (directionOffset + slot)];
        const dest = stepFrom(g, coord, coord[3], w, next);
        if (dest < 0) continue;
        const regionNew = regionOf(dest);
        const t2 = 2 * hopThresholdIndex(thresholdOffset, R, Z, species, region, regionNew, slot);
        if (below64(h[1], h[2], tables[t2], tables[t2 + 1])) {
          if (regionNew !== region) this.add64(counterBase + crossingCounterIndex(R, region, regionNew), 1);
          site = dest;
          coord.set(next);
          region = regionNew;
          const u = directionUnit(w);
          delta[0] += u[0];
          delta[1] += u[1];
          delta[2] += u[2];
          hops++;
        }
      }
      this.walkers[idx] = packIonWord(site, species);
      this.dx[idx] += delta[0];
      this.dy[idx] += delta[1];
      this.dz[idx] += delta[2];
      if (groups) this.add64(counterBase + eventCounterIndex(species), hops);
      else hopsPerSpecies[species] += hops;
    }
    // The kernel adds per workgroup; sums are order-independent modulo 2^64.
    hopsPerSpecies.forEach((h, s) => {
      let rest = h;
      while (rest > 0) {
        const part = Math.min(rest, 0x7fffffff);
        this.add64(eventCounterIndex(s), part);
        rest -= part;
      }
    });
  }

  async counters(): Promise<Uint32Array> {
    return this.counterWords.slice();
  }

  async state(): Promise<WalkerStateArrays> {
    return { walkers: this.walkers.slice(), dx: this.dx.slice(), dy: this.dy.slice(), dz: this.dz.slice() };
  }

  async snapshot(): Promise<{ counters: Uint32Array; state: WalkerStateArrays }> {
    return { counters: await this.counters(), state: await this.state() };
  }

  checkAlive(): void {}

  dispose(): void {}
}
