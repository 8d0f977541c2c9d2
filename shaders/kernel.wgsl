// The frame every ionhop ion kernel shares, prepended by src/gpu/shaders.ts
// after rng.wgsl: the bindings both kernels have in the same places, the
// region lookup and the 64-bit counters. Each kernel declares its own params
// struct (binding 0) and its state words (binding 3). Buffers in binding
// order: src/gpu/ionKernelGpu.ts. Layouts: src/gpu/layouts.ts.

@group(0) @binding(1) var<storage, read> region_words: array<u32>;
// Hop thresholds at threshold_offset + ((s·R + a)·R + b)·Z + d (layouts.ts
// hopThresholdIndex; the walkers' Poisson tables at poisson_offset; the
// geometry at direction_offset: geometry.ts geometryTable).
@group(0) @binding(2) var<storage, read> tables: array<vec2<u32>>;
// Unwrapped displacement per ion, in lattice steps.
@group(0) @binding(4) var<storage, read_write> disp_x: array<i32>;
@group(0) @binding(5) var<storage, read_write> disp_y: array<i32>;
@group(0) @binding(6) var<storage, read_write> disp_z: array<i32>;
// 64-bit (lo, hi) counters: hops per species, then crossings per region pair.
@group(0) @binding(7) var<storage, read_write> counters: array<atomic<u32>>;

// SPECIES_SHIFT, SITE_MASK, SPECIES_SLOTS and NO_SITE are prepended from
// src/gpu/layouts.ts (wgslLayoutConstants), the one mirror of the word packing.
// Hops per species of this workgroup, added to the counters once per workgroup.
var<workgroup> wg_hops: array<atomic<u32>, SPECIES_SLOTS>;

fn region_of(site: u32) -> u32 {
  return (region_words[site >> 2u] >> ((site & 3u) * 8u)) & 0xffu;
}

fn add64(index: u32, value: u32) {
  let old = atomicAdd(&counters[index], value);
  if (old + value < old) {
    atomicAdd(&counters[index + 1u], 1u);
  }
}

// One crossing from region a into region b (of R regions).
fn count_crossing(n_regions: u32, a: u32, b: u32) {
  add64(2u * (SPECIES_SLOTS + a * n_regions + b), 1u);
}

// First and last call of every kernel entry point (uniform control flow: both
// hold a workgroup barrier): zero the workgroup's hop tallies, then add them to
// the 64-bit counters once per workgroup.
fn begin_workgroup_hops(lid: u32) {
  if (lid < SPECIES_SLOTS) {
    atomicStore(&wg_hops[lid], 0u);
  }
  workgroupBarrier();
}

fn end_workgroup_hops(lid: u32) {
  workgroupBarrier();
  if (lid < SPECIES_SLOTS) {
    let total = atomicLoad(&wg_hops[lid]);
    if (total != 0u) {
      add64(2u * lid, total);
    }
  }
}

// Direction slot words (src/gpu/layouts.ts directionWord) at direction_offset
// in the tables: each field stored +1 in two bits.
fn dir_field(w: u32, shift: u32) -> i32 {
  return i32((w >> shift) & 3u) - 1;
}

// Displacement of slot word w in lattice units.
fn dir_unit(w: u32) -> vec3<i32> {
  return vec3<i32>(dir_field(w, 10u), dir_field(w, 12u), dir_field(w, 14u));
}

// Where slot word w leads from the site in cell `cell`, sublattice b: the new
// site (0xffffffff through a reflecting face or when the slot starts from the
// other sublattice), its cell and sublattice. Sites: b + basis·(x + nx·(y + ny·z)).
struct Step {
  site: u32,
  cell: vec3<u32>,
  b: u32,
}

fn step_from(cell: vec3<u32>, b: u32, w: u32, size: vec3<u32>, basis: u32, periodic_mask: u32) -> Step {
  var out: Step;
  out.site = NO_SITE;
  let from_b = dir_field(w, 6u);
  if (from_b >= 0 && u32(from_b) != b) {
    return out;
  }
  var c = vec3<i32>(cell) + vec3<i32>(dir_field(w, 0u), dir_field(w, 2u), dir_field(w, 4u));
  let n = vec3<i32>(size);
  for (var a = 0u; a < 3u; a++) {
    if (c[a] < 0 || c[a] >= n[a]) {
      if (((periodic_mask >> a) & 1u) == 0u) {
        return out;
      }
      c[a] = select(c[a] - n[a], c[a] + n[a], c[a] < 0);
    }
  }
  let to_b = dir_field(w, 8u);
  out.b = select(b, u32(to_b), to_b >= 0);
  out.cell = vec3<u32>(c);
  out.site = out.b + basis * (out.cell.x + size.x * (out.cell.y + size.y * out.cell.z));
  return out;
}
