// Lattice gas with site exclusion: one sub-step of the colour-class pair
// update (docs/gpu.md). The orchestrator picks a direction slot d and a colour
// class c (lattice.ts: no two neighbours share a class) per sub-step; every
// site i of class c forms the pair (i, neighbour of i along d). When exactly
// one of the two holds an ion, it hops across with probability k·(Z·C/2)·τ
// (64-bit threshold) for its own direction. The pairs are disjoint (the shift
// along d is one-to-one and never lands on class c), so no two hops of a
// sub-step touch the same site and the result does not depend on the order of
// the invocations. Sites of class c: (x + y + z) mod 2 arithmetic when
// colour_base is PARITY_COLOURS, else the list at colour_base in the tables.
// A sub-step whose direction equals the coordination is a reservoir sub-step:
// each face site (the list of (site, face) pairs at colour_base) pairs with the
// electrolyte as a ghost partner (src/gpu/lattice/reservoir.ts, docs/gpu.md).
// Shared bindings and counters: shaders/kernel.wgsl (prepended).
// TypeScript side: src/gpu/lattice/ (layout.ts: params struct, twin.ts,
// pipeline.ts). Shared layouts: src/gpu/layouts.ts.

struct LatticeParams {
  nx: u32, ny: u32, nz: u32, n_regions: u32,
  coordination: u32, seed: u32, substep: u32, direction: u32,
  colour: u32, threshold_offset: u32, periodic_mask: u32, half_count: u32,
  row_threads: u32, direction_offset: u32, basis: u32, colour_base: u32,
}

@group(0) @binding(0) var<uniform> P: LatticeParams;
// 0 empty, else (ion + 1) | species << SPECIES_SHIFT
@group(0) @binding(3) var<storage, read_write> occupancy: array<u32>;

// Stream word of the lattice kernel's random keys (src/gpu/rng.ts STREAM.lattice).
const LATTICE_STREAM = 0x6c617474u;

// Reservoir sub-step: face site idx of the list at colour_base exchanges with the
// electrolyte. Empty: species s enters for the first s whose cumulative insertion
// threshold lies above the draw; an ion of species s leaves below its removal
// threshold. Inserted ions carry UNTRACKED_ION (no tracer slot). Thresholds at
// threshold_offset + 2·((face·R + region)·SPECIES_SLOTS + s) (+1: removal).
fn reservoir_update(idx: u32) {
  let entry = tables[P.colour_base + idx];
  let site = entry.x;
  let face = entry.y;
  let R = P.n_regions;
  let at = P.threshold_offset + 2u * ((face * R + region_of(site)) * SPECIES_SLOTS);
  // Counters after the crossings: (insertions, removals) per (face, species slot).
  let counter_base = 2u * (SPECIES_SLOTS + R * R + 2u * face * SPECIES_SLOTS);
  let h = pcg4d(vec4<u32>(site, P.seed, P.substep, LATTICE_STREAM));
  let word = occupancy[site];
  if (word == 0u) {
    for (var s = 0u; s < SPECIES_SLOTS; s++) {
      if (below64(h.x, h.y, tables[at + 2u * s])) {
        occupancy[site] = UNTRACKED_ION | (s << SPECIES_SHIFT);
        add64(counter_base + 4u * s, 1u);
        return;
      }
    }
  } else {
    let s = word >> SPECIES_SHIFT;
    if (below64(h.x, h.y, tables[at + 2u * s + 1u])) {
      occupancy[site] = 0u;
      add64(counter_base + 4u * s + 2u, 1u);
    }
  }
}

// Hop sub-step: the pair (idx-th site of colour c, its neighbour along the direction).
fn hop_pair(idx: u32) {
  var site: u32;
  if (P.colour_base == PARITY_COLOURS) {
    // Thread idx → the idx-th site of colour c (one site per cell, nx even: nx/2 per row).
    let half_x = P.nx >> 1u;
    let row = idx / half_x;
    let y = row % P.ny;
    let z = row / P.ny;
    let x = 2u * (idx % half_x) + ((y + z + P.colour) & 1u);
    site = x + P.nx * row;
  } else {
    site = tables[P.colour_base + idx].x;
  }
  // The pair (site, dest): class-c sites pair with distinct sites of other
  // classes, so the pairs of a sub-step are disjoint. An ion in a pair with
  // one ion hops across the bond, either way, with its own probability: each
  // pair update obeys detailed balance, so equilibrium occupancies are exact
  // at any τ (docs/gpu.md).
  let cell = site / P.basis;
  let coord = vec3<u32>(cell % P.nx, (cell / P.nx) % P.ny, cell / (P.nx * P.ny));
  let w = tables[P.direction_offset + P.direction].x;
  let next = step_from(coord, site % P.basis, w, vec3<u32>(P.nx, P.ny, P.nz), P.basis, P.periodic_mask);
  let dest = next.site;
  if (dest == NO_SITE) {
    return;
  }
  let word_here = occupancy[site];
  let word_there = occupancy[dest];
  if ((word_here == 0u) == (word_there == 0u)) {
    return;
  }
  let forward = word_here != 0u;
  let word = select(word_there, word_here, forward);
  let source = select(dest, site, forward);
  let sink = select(site, dest, forward);
  let direction = select(P.direction ^ 1u, P.direction, forward);
  let species = word >> SPECIES_SHIFT;
  let R = P.n_regions;
  let region = region_of(source);
  let region_new = region_of(sink);
  let threshold = tables[P.threshold_offset + ((species * R + region) * R + region_new) * P.coordination + direction];
  if (threshold.x == 0u && threshold.y == 0u) {
    return;
  }
  let h = pcg4d(vec4<u32>(site, P.seed, P.substep, LATTICE_STREAM));
  if (!below64(h.x, h.y, threshold)) {
    return;
  }
  occupancy[sink] = word;
  occupancy[source] = 0u;
  let ion_field = word & SITE_MASK;
  // Ions inserted at a reservoir face have no tracer slot and no displacement.
  if (ion_field != UNTRACKED_ION) {
    let ion = ion_field - 1u;
    // Backwards the ion moves by minus slot d's displacement (the opposite slot's).
    let u = dir_unit(w) * select(-1, 1, forward);
    if (u.x != 0) {
      disp_x[ion] += u.x;
    }
    if (u.y != 0) {
      disp_y[ion] += u.y;
    }
    if (u.z != 0) {
      disp_z[ion] += u.z;
    }
  }
  if (region_new != region) {
    count_crossing(R, region, region_new);
  }
  atomicAdd(&wg_hops[species], 1u);
}

@compute @workgroup_size(256)
fn substep(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  begin_workgroup_hops(lid);
  let idx = gid.y * P.row_threads + gid.x;
  if (idx < P.half_count) {
    if (P.direction == P.coordination) {
      reservoir_update(idx);
    } else {
      hop_pair(idx);
    }
  }
  end_workgroup_hops(lid);
}
