// Seed of each sweep point: a pure function of the scene's seed and the point's
// index, so a point gives the same numbers whether it runs alone, in a shard on
// another machine, or among others on any number of worker threads.

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seed (0 to 2³²−1) of point `index` of a sweep of a scene with seed `sceneSeed`. */
export function pointSeed(sceneSeed: number, index: number): number {
  return fmix32((fmix32(sceneSeed >>> 0) ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
}
