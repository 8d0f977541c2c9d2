// Reservoir faces on the lattice kernel (docs/gpu.md, "Reservoir faces"): the
// face sites and the thresholds of their ghost-pair update, computed in
// float64 here and compared as 64-bit integers by shaders/lattice.wgsl and its
// twin. In a reservoir sub-step every face site forms a pair with the
// electrolyte: empty → species s with probability k_in(s)·scale, chosen by one
// 64-bit draw against the cumulative thresholds over s; an ion of species s →
// empty with probability k_out(s)·scale. The two probabilities stand in the
// ratio k_in/k_out of the exact channel, so each update obeys detailed balance
// with the electrolyte's grand-canonical weight, at any step.
import type { RateModel } from '../../model/rateModel';
import { reservoirIndex } from '../../model/reservoir';
import { SPECIES_SLOTS } from '../layouts';
import { writeThreshold } from '../thresholds';

/** Face sites as (site, face index) pairs in site order, for the tables buffer; null in a closed scene. */
export function reservoirFaceList(model: RateModel): Uint32Array | null {
  const res = model.channels.reservoir;
  if (!res) return null;
  const pairs: number[] = [];
  for (let i = 0; i < model.nSites; i++) if (res.siteFace[i] !== 0) pairs.push(i, res.siteFace[i] - 1);
  return Uint32Array.from(pairs);
}

/** Faces of the scene (0 when closed). */
export function reservoirFaceCount(model: RateModel): number {
  return model.channels.reservoir?.faceNames.length ?? 0;
}

/** Pairs of one reservoir threshold table: (cumulative insertion, removal) per (face, region, species slot). */
export function reservoirTablePairs(model: RateModel): number {
  return 2 * reservoirFaceCount(model) * model.nRegions * SPECIES_SLOTS;
}

/** Pair index of the cumulative insertion threshold of species s at face f, region r (the removal is the next pair). */
export function reservoirThresholdIndex(offset: number, R: number, f: number, r: number, s: number): number {
  return offset + 2 * ((f * R + r) * SPECIES_SLOTS + s);
}

/**
 * The reservoir thresholds for sub-steps whose ghost-pair probabilities are
 * rate·scale: per (f, r, s) the cumulative insertion probability Σ_{t ≤ s} k_in(t)·scale
 * and the removal probability k_out(s)·scale (clamped to 1).
 */
export function reservoirThresholds(model: RateModel, scale: number): Uint32Array {
  const out = new Uint32Array(2 * reservoirTablePairs(model));
  const res = model.channels.reservoir;
  if (!res) return out;
  const S = model.nSpecies;
  const R = model.nRegions;
  for (let f = 0; f < res.faceNames.length; f++)
    for (let r = 0; r < R; r++) {
      let cumulative = 0;
      for (let s = 0; s < SPECIES_SLOTS; s++) {
        const k = s < S ? reservoirIndex(S, R, f, s, r) : -1;
        if (k >= 0) cumulative += res.insertRate[k] * scale;
        const at = reservoirThresholdIndex(0, R, f, r, s);
        writeThreshold(out, at, cumulative);
        writeThreshold(out, at + 1, k >= 0 ? res.removeRate[k] * scale : 0);
      }
    }
  return out;
}

/**
 * Largest ghost-pair rate (Hz): over faces and regions, the larger of the total
 * insertion rate Σ_s k_in(s) and the fastest removal rate. The sub-step keeps
 * rate·scale ≤ α with it, so the cumulative insertion stays below 1.
 */
export function maxReservoirRate(model: RateModel): number {
  const res = model.channels.reservoir;
  if (!res) return 0;
  const S = model.nSpecies;
  const R = model.nRegions;
  let max = 0;
  for (let f = 0; f < res.faceNames.length; f++)
    for (let r = 0; r < R; r++) {
      let insert = 0;
      for (let s = 0; s < S; s++) {
        const k = reservoirIndex(S, R, f, s, r);
        insert += res.insertRate[k];
        max = Math.max(max, res.removeRate[k]);
      }
      max = Math.max(max, insert);
    }
  return max;
}

/** Species that can enter through some face (nonzero insertion rate). */
export function enteringSpecies(model: RateModel): boolean[] {
  const res = model.channels.reservoir;
  const S = model.nSpecies;
  const R = model.nRegions;
  return Array.from({ length: S }, (_, s) => {
    if (!res) return false;
    for (let f = 0; f < res.faceNames.length; f++) for (let r = 0; r < R; r++) if (res.insertRate[reservoirIndex(S, R, f, s, r)] > 0) return true;
    return false;
  });
}
