// TypeScript twin of shaders/lattice.wgsl: one checkerboard pair sub-step at
// a time, pairs in index order (the kernel's result does not depend on order,
// because the pairs of a sub-step are disjoint), and the reservoir sub-steps
// (each face site paired with the electrolyte, src/gpu/lattice/reservoir.ts).
import type { LatticeConfig, LatticeDispatch, LatticeExecutor, LatticeStateArrays } from '../backends';
import { counterWords, crossingCounterIndex, eventCounterIndex, hopThresholdIndex, ION_MASK, MOVE_REACTION, MOVE_RESERVOIR, packIonWord, reactionCounterIndex, reservoirCounterIndex, SPECIES_SLOTS, speciesOfWord, UNTRACKED_ION } from '../layouts';
import { reservoirThresholdIndex } from './reservoir';
import { reactionThresholdIndex } from './chemistry';
import { bondNeighbourhood } from '../../model/lubrication';
import { below64, pcg4d, STREAM } from '../rng';
import { directionUnit, stepFrom } from '../geometry';

export class LatticeTwin implements LatticeExecutor {
  private readonly tables: Uint32Array;
  private readonly occ: Uint32Array;
  private readonly dx: Int32Array;
  private readonly dy: Int32Array;
  private readonly dz: Int32Array;
  private readonly counterWords: Uint32Array;
  /** Scratch for the sites around a bond. */
  private readonly around: Int32Array;

  constructor(private readonly config: LatticeConfig) {
    this.tables = new Uint32Array(2 * config.tablePairs);
    this.occ = config.occupancy.slice();
    this.dx = new Int32Array(config.nIons);
    this.dy = new Int32Array(config.nIons);
    this.dz = new Int32Array(config.nIons);
    this.counterWords = new Uint32Array(counterWords(config.geometry.nRegions, config.reservoir?.faces ?? 0, config.reaction ?? false));
    this.around = new Int32Array(2 * config.geometry.coordination);
  }

  writeTables(offsetPairs: number, pairs: Uint32Array): void {
    this.tables.set(pairs, 2 * offsetPairs);
  }

  async run(dispatches: readonly LatticeDispatch[]): Promise<void> {
    for (const d of dispatches) this.substep(d);
  }

  private add64(index: number, value: number): void {
    const old = this.counterWords[index];
    const sum = (old + value) >>> 0;
    this.counterWords[index] = sum;
    if (sum < old) this.counterWords[index + 1] = (this.counterWords[index + 1] + 1) >>> 0;
  }

  /** The kernel's reservoir_update for every face site, in list order. */
  private reservoirSubstep(p: LatticeDispatch): void {
    const { geometry: g, seed, reservoir } = this.config;
    if (!reservoir) throw new Error(`sub-step ${p.substep} is a reservoir sub-step, but the lattice has no reservoir faces`);
    const R = g.nRegions;
    const t = this.tables;
    const occ = this.occ;
    for (let idx = 0; idx < reservoir.faceSites; idx++) {
      const site = t[2 * (reservoir.faceListOffset + idx)];
      const face = t[2 * (reservoir.faceListOffset + idx) + 1];
      const region = (g.regionWords[site >>> 2] >>> ((site & 3) * 8)) & 0xff;
      const h = pcg4d(site, seed, p.substep, STREAM.lattice);
      const word = occ[site];
      if (word === 0) {
        for (let s = 0; s < SPECIES_SLOTS; s++) {
          const at = 2 * reservoirThresholdIndex(p.thresholdOffset, R, face, region, s);
          if (below64(h[0], h[1], t[at], t[at + 1])) {
            occ[site] = packIonWord(UNTRACKED_ION, s);
            this.add64(reservoirCounterIndex(R, face, s, false), 1);
            break;
          }
        }
      } else {
        const s = speciesOfWord(word);
        const at = 2 * (reservoirThresholdIndex(p.thresholdOffset, R, face, region, s) + 1);
        if (below64(h[0], h[1], t[at], t[at + 1])) {
          occ[site] = 0;
          this.add64(reservoirCounterIndex(R, face, s, true), 1);
        }
      }
    }
  }

  /** Ions of species `by` around the bond (a, b) (the kernel's count_around; lubrication.ts bondNeighbourhood). */
  private countAround(a: number, b: number, by: number): number {
    const n = bondNeighbourhood(this.config.geometry.lattice, a, b, this.around);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const w = this.occ[this.around[k]];
      if (w !== 0 && speciesOfWord(w) === by) count++;
    }
    return count;
  }

  private substep(p: LatticeDispatch): void {
    if (p.move === MOVE_RESERVOIR) return this.reservoirSubstep(p);
    const { geometry: g, seed, directionOffset } = this.config;
    const { nx, ny, nRegions: R, coordination: Z, regionWords, basis } = g;
    const occ = this.occ;
    const t = this.tables;
    const chem = p.chemistry;
    const regionOf = (site: number) => (regionWords[site >>> 2] >>> ((site & 3) * 8)) & 0xff;
    const w = t[2 * (directionOffset + p.direction)];
    const unit = directionUnit(w);
    const coord = new Int32Array(3);
    const next = new Int32Array(4);
    const hopsPerSpecies = [0, 0, 0, 0];
    const halfX = nx >> 1;
    const count = g.colourCount[p.colour];
    const colourBase = g.parityColours ? -1 : directionOffset + Z + g.colourStart[p.colour];
    const reactionCounter = reactionCounterIndex(R, this.config.reservoir?.faces ?? 0, false);
    const hydroxide = chem.reactionSpecies & 0xff;
    const proton = (chem.reactionSpecies >>> 8) & 0xff;
    for (let idx = 0; idx < count; idx++) {
      let site: number;
      if (colourBase < 0) {
        const row = Math.floor(idx / halfX);
        const y = row % ny;
        const z = Math.floor(row / ny);
        const x = 2 * (idx % halfX) + ((y + z + p.colour) & 1);
        site = x + nx * row;
      } else site = t[2 * (colourBase + idx)];
      const cell = Math.floor(site / basis);
      coord[0] = cell % nx;
      coord[1] = Math.floor(cell / nx) % ny;
      coord[2] = Math.floor(cell / (nx * ny));
      const dest = stepFrom(g, coord, site % basis, w, next);
      if (dest < 0) continue;
      const here = occ[site];
      const there = occ[dest];
      if (p.move === MOVE_REACTION) {
        // The kernel's reaction_pair: 1 both empty, 2 OH- here and H+ there, 3 the other way round.
        let state = 0;
        if (here === 0 && there === 0) state = 1;
        else if (here !== 0 && there !== 0) {
          const sa = speciesOfWord(here);
          const sb = speciesOfWord(there);
          if (sa === hydroxide && sb === proton) state = 2;
          else if (sa === proton && sb === hydroxide) state = 3;
        }
        if (state === 0) continue;
        const catalysed = chem.catalyst !== 0 && this.countAround(site, dest, chem.catalyst - 1) > 0 ? 1 : 0;
        const ra = regionOf(site);
        const rb = regionOf(dest);
        const h = pcg4d(site, seed, p.substep, STREAM.lattice);
        if (state === 1) {
          const at = 2 * reactionThresholdIndex(p.thresholdOffset, R, ra, rb, catalysed);
          const ohWord = packIonWord(UNTRACKED_ION, hydroxide);
          const hWord = packIonWord(UNTRACKED_ION, proton);
          if (below64(h[0], h[1], t[at], t[at + 1])) {
            occ[site] = ohWord;
            occ[dest] = hWord;
            this.add64(reactionCounter, 1);
          } else if (below64(h[0], h[1], t[at + 2], t[at + 3])) {
            occ[dest] = ohWord;
            occ[site] = hWord;
            this.add64(reactionCounter, 1);
          }
          continue;
        }
        const at = 2 * (state === 2 ? reactionThresholdIndex(p.thresholdOffset, R, ra, rb, catalysed) : reactionThresholdIndex(p.thresholdOffset, R, rb, ra, catalysed)) + 4;
        if (below64(h[0], h[1], t[at], t[at + 1])) {
          occ[site] = 0;
          occ[dest] = 0;
          this.add64(reactionCounter + 2, 1);
        }
        continue;
      }
      if ((here === 0) === (there === 0)) continue; // both empty or both full
      const forward = here !== 0;
      const word = forward ? here : there;
      const species = speciesOfWord(word);
      if (((p.speciesMask >>> species) & 1) === 0) continue;
      const from = forward ? site : dest;
      const to = forward ? dest : site;
      const direction = forward ? p.direction : p.direction ^ 1;
      const region = regionOf(from);
      const regionNew = regionOf(to);
      let level = 0;
      const by = (chem.lubBy >>> (8 * species)) & 0xff;
      if (by !== 0) {
        const around = this.countAround(site, dest, by - 1);
        level = ((chem.lubSum >>> species) & 1) === 1 ? around : Math.min(around, 1);
      }
      const k = 2 * (hopThresholdIndex(p.thresholdOffset, R, Z, species, region, regionNew, direction) + level * chem.levelStride);
      if (t[k] === 0 && t[k + 1] === 0) continue;
      const h = pcg4d(site, seed, p.substep, STREAM.lattice);
      if (!below64(h[0], h[1], t[k], t[k + 1])) continue;
      occ[to] = word;
      occ[from] = 0;
      // Backwards the ion moves by minus slot d's displacement (the opposite slot's).
      const sign = forward ? 1 : -1;
      const ionField = word & ION_MASK;
      // Ions inserted at a reservoir face or made by the reaction have no tracer slot and no displacement.
      if (ionField !== UNTRACKED_ION) {
        const ion = ionField - 1;
        this.dx[ion] += sign * unit[0];
        this.dy[ion] += sign * unit[1];
        this.dz[ion] += sign * unit[2];
      }
      if (regionNew !== region) this.add64(crossingCounterIndex(R, region, regionNew), 1);
      hopsPerSpecies[species]++;
    }
    hopsPerSpecies.forEach((h, s) => {
      if (h > 0) this.add64(eventCounterIndex(s), h);
    });
  }

  async counters(): Promise<Uint32Array> {
    return this.counterWords.slice();
  }

  async occupancy(): Promise<Uint32Array> {
    return this.occ.slice();
  }

  async state(): Promise<LatticeStateArrays> {
    return { occupancy: this.occ.slice(), dx: this.dx.slice(), dy: this.dy.slice(), dz: this.dz.slice() };
  }

  async snapshot(): Promise<{ counters: Uint32Array; state: LatticeStateArrays }> {
    return { counters: await this.counters(), state: await this.state() };
  }

  checkAlive(): void {}

  dispose(): void {}
}
