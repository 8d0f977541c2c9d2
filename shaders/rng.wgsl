// Shared helpers prepended to every ionhop kernel (src/gpu/shaders.ts).
// Mirrored bit for bit by src/gpu/rng.ts: change both together.

// pcg4d (Jarzynski & Olano, "Hash Functions for GPU Rendering", JCGT 2020):
// a counter-based generator. Four u32 keys in (index, seed, step, counter),
// four well-mixed u32 words out. Only wrapping u32 multiply/add/xor/shift,
// so WGSL and TypeScript (Math.imul) agree exactly.
fn pcg4d(key: vec4<u32>) -> vec4<u32> {
  var v = key * 1664525u + 1013904223u;
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  v = v ^ (v >> vec4<u32>(16u));
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  return v;
}

// A 64-bit random word (hi, lo) below a 64-bit threshold t = (hi, lo):
// probability t / 2^64. Every decision in ionhop kernels is one of these.
fn below64(hi: u32, lo: u32, t: vec2<u32>) -> bool {
  return hi < t.x || (hi == t.x && lo < t.y);
}
