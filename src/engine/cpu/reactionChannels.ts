// Book-keeping of the water-dissociation channel on the exact engine: where
// every ion came from (initial population, water, or an insertion by another
// channel) and how many dissociations and recombinations ran, so the ledger
// N_s(t) − N_s(0) = (from water − back into water) + (inserted − removed) can be
// checked on every run. The rates themselves live in src/model/waterDissociation.ts.

/** Where an ion came from, in the order the counts are reported. */
export const ION_ORIGINS = ['initial', 'water', 'inserted'] as const;
export type IonOrigin = (typeof ION_ORIGINS)[number];
const WATER = ION_ORIGINS.indexOf('water');
const INSERTED = ION_ORIGINS.indexOf('inserted');

/** Counts one replica's reaction events and the origin of every ion slot. */
export class ReactionLedger {
  /** Origin index per ion slot (ION_ORIGINS); slots beyond `known` are insertions by other channels. */
  private origin: Uint8Array;
  private known: number;
  dissociations = 0;
  recombinations = 0;

  constructor(initialIons: number) {
    this.origin = new Uint8Array(Math.max(16, initialIons));
    this.known = initialIons;
  }

  /** Marks ion slot `slot` as made from water. */
  fromWater(slot: number): void {
    this.reserve(slot + 1);
    this.origin[slot] = WATER;
  }

  originOf(slot: number): number {
    if (slot >= this.known) return INSERTED;
    return this.origin[slot];
  }

  private reserve(n: number): void {
    if (n > this.origin.length) {
      const grown = new Uint8Array(Math.max(n, 2 * this.origin.length));
      grown.set(this.origin);
      this.origin = grown;
    }
    // Slots between the known ones and this one were inserted by other channels.
    for (let k = this.known; k < n - 1; k++) this.origin[k] = INSERTED;
    this.known = Math.max(this.known, n);
  }

  /** Ions present now per species and origin: counts[s][origin]. */
  storedByOrigin(species: Uint8Array, alive: Uint8Array, slots: number, nSpecies: number): number[][] {
    const counts = Array.from({ length: nSpecies }, () => new Array<number>(ION_ORIGINS.length).fill(0));
    for (let ion = 0; ion < slots; ion++) if (alive[ion]) counts[species[ion]][this.originOf(ion)]++;
    return counts;
  }
}
