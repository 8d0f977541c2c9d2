// What the CPU engine needs of every surface–host bond of a water
// dissociation, worked out once per model: the host end h, the catalyst's
// bond neighbourhood, and (without pair energies, when the reaction energy
// is the same on every visit) the four possible rates. The engine asks for
// a bond's rate on every refresh around an event; with these tables that is
// an occupancy look-up instead of a neighbourhood walk and an exp. The rates
// are computed by the same functions with the same arguments as the
// uncached path, so they are the same numbers to the bit.
import type { RateModel } from '../../model/rateModel';
import { reactionEnergy, reactionRate } from '../../model/waterDissociation';

/** Offsets into a bond's four cached rates. */
export const RECOMBINATION_OFFSET = 2;
export const CATALYSED_OFFSET = 1;

export class ReactionBonds {
  /** Per site: its index u among the surface sites, or −1 (no reaction starts there). */
  readonly surfaceIndex: Int32Array;
  /** Per bond u·Z + d: the host site h, or −1 where the bond carries no reaction (no neighbour, or not a host region). */
  readonly host: Int32Array;
  /** Per bond, from (u·Z + d)·2Z: the distinct sites around s or h other than s and h (bondNeighbourhood order). */
  readonly neighbourhood: Int32Array;
  readonly neighbourhoodSize: Uint8Array;
  /**
   * Per bond, from 4·(u·Z + d): dissociation, catalysed dissociation, recombination,
   * catalysed recombination (Hz); null when pair energies make ΔE depend on occupancy.
   */
  readonly rates: Float64Array | null;

  /** neighbour(i, d) must be the engine's own step (−1 off a reflecting face). */
  constructor(model: RateModel, neighbour: (i: number, d: number) => number) {
    const rx = model.waterDissociation;
    if (!rx) throw new Error('ReactionBonds needs a model with a water dissociation');
    const Z = model.directions;
    const region = model.siteRegion;
    this.surfaceIndex = new Int32Array(model.nSites).fill(-1);
    let surfaceSites = 0;
    for (let i = 0; i < model.nSites; i++) if (rx.surfaceRegion[region[i]]) this.surfaceIndex[i] = surfaceSites++;
    this.host = new Int32Array(surfaceSites * Z).fill(-1);
    this.neighbourhood = new Int32Array(surfaceSites * Z * 2 * Z);
    this.neighbourhoodSize = new Uint8Array(surfaceSites * Z);
    this.rates = model.hasInteractions ? null : new Float64Array(4 * surfaceSites * Z);
    for (let s = 0; s < model.nSites; s++) {
      const u = this.surfaceIndex[s];
      if (u < 0) continue;
      for (let d = 0; d < Z; d++) {
        const h = neighbour(s, d);
        if (h < 0 || !rx.hostRegion[region[h]]) continue;
        const bond = u * Z + d;
        this.host[bond] = h;
        let n = 0;
        const base = bond * 2 * Z;
        for (const c of [s, h]) {
          for (let e = 0; e < Z; e++) {
            const m = neighbour(c, e);
            if (m < 0 || m === s || m === h) continue;
            let seen = false;
            for (let k = 0; k < n; k++) if (this.neighbourhood[base + k] === m) seen = true;
            if (!seen) this.neighbourhood[base + n++] = m;
          }
        }
        this.neighbourhoodSize[bond] = n;
        if (this.rates !== null) {
          // No pair energies: the environments are 0, exactly what the uncached path passes.
          const energy = reactionEnergy(rx, model.siteEnergy, model.pairEnergy, model.nSpecies, model.nRegions, region[s], region[h], 0, 0);
          this.rates[4 * bond] = reactionRate(rx, model.nu, model.kT, energy, false, true);
          this.rates[4 * bond + CATALYSED_OFFSET] = reactionRate(rx, model.nu, model.kT, energy, true, true);
          this.rates[4 * bond + RECOMBINATION_OFFSET] = reactionRate(rx, model.nu, model.kT, energy, false, false);
          this.rates[4 * bond + RECOMBINATION_OFFSET + CATALYSED_OFFSET] = reactionRate(rx, model.nu, model.kT, energy, true, false);
        }
      }
    }
  }

  bytes(): number {
    return this.surfaceIndex.byteLength + this.host.byteLength + this.neighbourhood.byteLength + this.neighbourhoodSize.byteLength + (this.rates?.byteLength ?? 0);
  }
}
