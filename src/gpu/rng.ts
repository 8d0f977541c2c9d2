// TypeScript mirror of shaders/rng.wgsl: the counter-based pcg4d hash and the
// 64-bit threshold comparison. Every random decision of the GPU kernels and
// their twins goes through these two functions.

/** Output of the last pcg4d call (reused to keep the twins' hot loops allocation-free). */
export const pcgOut = new Uint32Array(4);

/** pcg4d(key) → pcgOut[0..3]; identical to the WGSL function bit for bit. */
export function pcg4d(a: number, b: number, c: number, d: number): Uint32Array {
  let x = (Math.imul(a, 1664525) + 1013904223) >>> 0;
  let y = (Math.imul(b, 1664525) + 1013904223) >>> 0;
  let z = (Math.imul(c, 1664525) + 1013904223) >>> 0;
  let w = (Math.imul(d, 1664525) + 1013904223) >>> 0;
  x = (x + Math.imul(y, w)) >>> 0;
  y = (y + Math.imul(z, x)) >>> 0;
  z = (z + Math.imul(x, y)) >>> 0;
  w = (w + Math.imul(y, z)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  y = (y ^ (y >>> 16)) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  w = (w ^ (w >>> 16)) >>> 0;
  x = (x + Math.imul(y, w)) >>> 0;
  y = (y + Math.imul(z, x)) >>> 0;
  z = (z + Math.imul(x, y)) >>> 0;
  w = (w + Math.imul(y, z)) >>> 0;
  pcgOut[0] = x;
  pcgOut[1] = y;
  pcgOut[2] = z;
  pcgOut[3] = w;
  return pcgOut;
}

/** (hi, lo) < (tHi, tLo) as 64-bit unsigned numbers; all arguments u32. */
export function below64(hi: number, lo: number, tHi: number, tLo: number): boolean {
  return hi < tHi || (hi === tHi && lo < tLo);
}

/** Streams that keep the engines' random words apart for the same user seed. */
export const STREAM = {
  walkers: 0x77616c6b, // 'walk'
  lattice: 0x6c617474, // 'latt'
  schedule: 0x73636865, // 'sche'
} as const;

/**
 * The u32 kernel seed of one engine instance, from the numeric scene seed, the
 * replica and the engine's stream: a pure function, so a run is reproducible.
 */
export function kernelSeed(seedNumber: number, replica: number, stream: number): number {
  return pcg4d(seedNumber >>> 0, replica >>> 0, stream >>> 0, 0x1d0f)[0];
}

/** A u32 from a seed string (FNV-1a), for callers that only have the string seed. */
export function hashSeedString(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
