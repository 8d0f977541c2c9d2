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
// move_kind says what a sub-step updates: MOVE_HOP, the pairs above, for the
// ions of the species in species_mask only (a hop lubricated by species b reads
// the b ions around its bond, which stay frozen because b is never in the same
// mask); MOVE_REACTION, water dissociation and recombination on the same pairs
// (no ion hops, so the catalyst around a bond is frozen); MOVE_RESERVOIR, each
// face site (the list of (site, face) pairs at colour_base) with the
// electrolyte as a ghost partner (src/gpu/lattice/reservoir.ts,
// src/gpu/lattice/chemistry.ts, docs/gpu.md).
// Shared bindings and counters: shaders/kernel.wgsl (prepended).
// TypeScript side: src/gpu/lattice/ (layout.ts: params struct, twin.ts,
// pipeline.ts). Shared layouts: src/gpu/layouts.ts.

struct LatticeParams {
  nx: u32, ny: u32, nz: u32, n_regions: u32,
  coordination: u32, seed: u32, substep: u32, direction: u32,
  colour: u32, threshold_offset: u32, periodic_mask: u32, half_count: u32,
  row_threads: u32, direction_offset: u32, basis: u32, colour_base: u32,
  // MOVE_HOP: bit s set when species s may hop; hop thresholds of lubrication level Λ at Λ·level_stride.
  move_kind: u32, species_mask: u32, level_stride: u32, lub_by: u32,
  // lub_by: per species (8 bits each) the species that lubricates it + 1 (0: none); lub_sum: bit s when its rule sums.
  // Reaction: catalyst species + 1 (0: none), hydroxide | proton << 8; n_faces places the reaction counters.
  lub_sum: u32, n_faces: u32, catalyst: u32, reaction_species: u32,
}

@group(0) @binding(0) var<uniform> P: LatticeParams;
// 0 empty, else (ion + 1) | species << SPECIES_SHIFT
@group(0) @binding(3) var<storage, read_write> occupancy: array<u32>;

// Pipeline-overridable constants (src/gpu/lattice/pipeline.ts): the paths a scene
// without faces, reaction or lubrication never takes are compiled out, so the
// closed kernel stays as lean as before these features.
override HAS_RESERVOIR: bool = true;
override HAS_REACTION: bool = true;
override HAS_LUBRICATION: bool = true;

// Stream word of the lattice kernel's random keys (src/gpu/rng.ts STREAM.lattice).
const LATTICE_STREAM = 0x6c617474u;
// Most direction slots of any lattice (cubic 6, layered 6, triangular 6, square 4, honeycomb 3), twice: both ends of a bond.
const MAX_AROUND = 16u;

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

// The pair of thread idx: the idx-th site of colour c and its neighbour along the direction.
struct Pair {
  site: u32,
  cell: vec3<u32>,
  b: u32,
  w: u32,
  dest: Step,
}

fn pair_of(idx: u32) -> Pair {
  var p: Pair;
  if (P.colour_base == PARITY_COLOURS) {
    // Thread idx → the idx-th site of colour c (one site per cell, nx even: nx/2 per row).
    let half_x = P.nx >> 1u;
    let row = idx / half_x;
    let y = row % P.ny;
    let z = row / P.ny;
    let x = 2u * (idx % half_x) + ((y + z + P.colour) & 1u);
    p.site = x + P.nx * row;
  } else {
    p.site = tables[P.colour_base + idx].x;
  }
  let cell = p.site / P.basis;
  p.cell = vec3<u32>(cell % P.nx, (cell / P.nx) % P.ny, cell / (P.nx * P.ny));
  p.b = p.site % P.basis;
  p.w = tables[P.direction_offset + P.direction].x;
  p.dest = step_from(p.cell, p.b, p.w, vec3<u32>(P.nx, P.ny, P.nz), P.basis, P.periodic_mask);
  return p;
}

// Ions of species `by` on the distinct sites neighbouring either end of the
// pair's bond, other than its two ends (lubrication.ts bondNeighbourhood). Only
// ions that cannot move in this sub-step are counted, so the count is the same
// whatever order the invocations run in.
fn count_around(p: Pair, by: u32) -> u32 {
  var seen: array<u32, MAX_AROUND>;
  var n = 0u;
  var count = 0u;
  let size = vec3<u32>(P.nx, P.ny, P.nz);
  for (var end = 0u; end < 2u; end++) {
    let cell = select(p.dest.cell, p.cell, end == 0u);
    let b = select(p.dest.b, p.b, end == 0u);
    for (var d = 0u; d < P.coordination; d++) {
      let m = step_from(cell, b, tables[P.direction_offset + d].x, size, P.basis, P.periodic_mask).site;
      if (m == NO_SITE || m == p.site || m == p.dest.site) {
        continue;
      }
      var duplicate = false;
      for (var k = 0u; k < n; k++) {
        if (seen[k] == m) {
          duplicate = true;
        }
      }
      if (duplicate) {
        continue;
      }
      seen[n] = m;
      n++;
      let word = occupancy[m];
      if (word != 0u && (word >> SPECIES_SHIFT) == by) {
        count++;
      }
    }
  }
  return count;
}

// Hop sub-step: the pair (idx-th site of colour c, its neighbour along the direction).
fn hop_pair(idx: u32) {
  let p = pair_of(idx);
  let site = p.site;
  let dest = p.dest.site;
  // The pair (site, dest): class-c sites pair with distinct sites of other
  // classes, so the pairs of a sub-step are disjoint. An ion in a pair with
  // one ion hops across the bond, either way, with its own probability: each
  // pair update obeys detailed balance, so equilibrium occupancies are exact
  // at any τ (docs/gpu.md).
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
  let species = word >> SPECIES_SHIFT;
  if (HAS_LUBRICATION && ((P.species_mask >> species) & 1u) == 0u) {
    return;
  }
  let source = select(dest, site, forward);
  let sink = select(site, dest, forward);
  let direction = select(P.direction ^ 1u, P.direction, forward);
  let R = P.n_regions;
  let region = region_of(source);
  let region_new = region_of(sink);
  // Lubrication level Λ: "any" min(1, count), "sum" the count of `by` ions around the bond.
  var level = 0u;
  let by = (P.lub_by >> (8u * species)) & 0xffu;
  if (HAS_LUBRICATION && by != 0u) {
    let around = count_around(p, by - 1u);
    level = select(min(around, 1u), around, ((P.lub_sum >> species) & 1u) == 1u);
  }
  let threshold = tables[P.threshold_offset + level * P.level_stride + ((species * R + region) * R + region_new) * P.coordination + direction];
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
  // Ions inserted at a reservoir face or made by the reaction have no tracer slot and no displacement.
  if (ion_field != UNTRACKED_ION) {
    let ion = ion_field - 1u;
    // Backwards the ion moves by minus slot d's displacement (the opposite slot's).
    let u = dir_unit(p.w) * select(-1, 1, forward);
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

// Reaction sub-step on the pair (a, b) = (site, dest): both empty → OH- on one
// end and H+ on the other (s = a, h = b below the first threshold, s = b, h = a
// below the cumulative one); OH- and H+ on the two ends → both gone. Thresholds
// per (region x, region y, catalysed) at threshold_offset + 3·((x·R + y)·2 + cat):
// [dissociation s∈x h∈y, plus dissociation s∈y h∈x, recombination s∈x h∈y].
fn reaction_pair(idx: u32) {
  let p = pair_of(idx);
  let a = p.site;
  let b = p.dest.site;
  if (b == NO_SITE) {
    return;
  }
  let hydroxide = P.reaction_species & 0xffu;
  let proton = (P.reaction_species >> 8u) & 0xffu;
  let wa = occupancy[a];
  let wb = occupancy[b];
  // 1: both empty; 2: OH- on a, H+ on b; 3: OH- on b, H+ on a.
  var state = 0u;
  if (wa == 0u && wb == 0u) {
    state = 1u;
  } else if (wa != 0u && wb != 0u) {
    let sa = wa >> SPECIES_SHIFT;
    let sb = wb >> SPECIES_SHIFT;
    if (sa == hydroxide && sb == proton) {
      state = 2u;
    } else if (sa == proton && sb == hydroxide) {
      state = 3u;
    }
  }
  if (state == 0u) {
    return;
  }
  let R = P.n_regions;
  let ra = region_of(a);
  let rb = region_of(b);
  // A bond on which this state cannot react, catalysed or not (e.g. two surface sites), needs no catalyst count:
  // the entry (x, y) holds the cumulative dissociation at +1 and the recombination at +2, uncatalysed then catalysed.
  let plain = select(P.threshold_offset + 3u * ((rb * R + ra) * 2u), P.threshold_offset + 3u * ((ra * R + rb) * 2u), state != 3u);
  let k = select(2u, 1u, state == 1u);
  let t0 = tables[plain + k];
  let t1 = tables[plain + 3u + k];
  if (t0.x == 0u && t0.y == 0u && t1.x == 0u && t1.y == 0u) {
    return;
  }
  var catalysed = 0u;
  if (P.catalyst != 0u && count_around(p, P.catalyst - 1u) > 0u) {
    catalysed = 1u;
  }
  let h = pcg4d(vec4<u32>(a, P.seed, P.substep, LATTICE_STREAM));
  let counter_base = 2u * (SPECIES_SLOTS + R * R + 2u * P.n_faces * SPECIES_SLOTS);
  if (state == 1u) {
    let at = P.threshold_offset + 3u * ((ra * R + rb) * 2u + catalysed);
    let oh_word = UNTRACKED_ION | (hydroxide << SPECIES_SHIFT);
    let h_word = UNTRACKED_ION | (proton << SPECIES_SHIFT);
    if (below64(h.x, h.y, tables[at])) {
      occupancy[a] = oh_word;
      occupancy[b] = h_word;
      add64(counter_base, 1u);
    } else if (below64(h.x, h.y, tables[at + 1u])) {
      occupancy[b] = oh_word;
      occupancy[a] = h_word;
      add64(counter_base, 1u);
    }
    return;
  }
  // The recombination entry of (region of the OH- site, region of the H+ site).
  let at = select(P.threshold_offset + 3u * ((rb * R + ra) * 2u + catalysed), P.threshold_offset + 3u * ((ra * R + rb) * 2u + catalysed), state == 2u);
  if (below64(h.x, h.y, tables[at + 2u])) {
    occupancy[a] = 0u;
    occupancy[b] = 0u;
    add64(counter_base + 2u, 1u);
  }
}

@compute @workgroup_size(256)
fn substep(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  begin_workgroup_hops(lid);
  let idx = gid.y * P.row_threads + gid.x;
  if (idx < P.half_count) {
    if (HAS_RESERVOIR && P.move_kind == MOVE_RESERVOIR) {
      reservoir_update(idx);
    } else if (HAS_REACTION && P.move_kind == MOVE_REACTION) {
      reaction_pair(idx);
    } else {
      hop_pair(idx);
    }
  }
  end_workgroup_hops(lid);
}
