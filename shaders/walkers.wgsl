// Independent walkers: each invocation carries one ion through an exact
// continuous-time random walk by uniformization (docs/gpu.md).
// Per dispatch (one time interval Δt): draw the number of ticks
// N ~ Poisson(Γ·Δt) from a cumulative table, then per tick pick one of
// 2^(32 − slot_shift) equally likely slots; slot d < coordination is a hop
// along direction slot d (its word at direction_offset: any lattice type),
// accepted with probability k_d·slots/Γ (64-bit threshold).
// Grouped mode (n_groups > 0, docs/gpu.md "Many sweep points in one
// dispatch"): every walker belongs to a group (one replica of one sweep
// point) with its own seed, hop thresholds, dispatch step, Poisson table and
// 64-bit counters; a group's walkers draw exactly the random words, and so make
// exactly the moves, of that replica run alone (n_groups = 0, keyed by its own
// walker number). All of it lives in the tables buffer:
//   group_offset + walker: (group, walker number within its group);
//   group_info_offset + group: (seed, threshold offset);
//   schedule_offset + 2·group: (step, 0), then (poisson offset, poisson length)
//     of this dispatch (length 0: the group sits this dispatch out);
//   counters of group g at g·counterWords(R) (layouts.ts groupCounterBase).
// Shared bindings and counters: shaders/kernel.wgsl (prepended).
// TypeScript side: src/gpu/walkers/ (layout.ts: params struct, twin.ts,
// pipeline.ts). Shared layouts: src/gpu/layouts.ts.

struct WalkerParams {
  n_walkers: u32, seed: u32, step: u32, poisson_offset: u32,
  poisson_length: u32, nx: u32, ny: u32, nz: u32,
  n_regions: u32, coordination: u32, slot_shift: u32, periodic_mask: u32,
  row_threads: u32, threshold_offset: u32, direction_offset: u32, basis: u32,
  n_groups: u32, group_offset: u32, group_info_offset: u32, schedule_offset: u32,
}

@group(0) @binding(0) var<uniform> P: WalkerParams;
// site | species << SPECIES_SHIFT per walker
@group(0) @binding(3) var<storage, read_write> walker_site: array<u32>;

fn poisson_ticks(hi: u32, lo: u32, offset: u32, length: u32) -> u32 {
  var a = 0u;
  var b = length;
  while (a < b) {
    let mid = (a + b) >> 1u;
    if (below64(hi, lo, tables[offset + mid])) {
      b = mid;
    } else {
      a = mid + 1u;
    }
  }
  return a;
}

@compute @workgroup_size(256)
fn walk(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  begin_workgroup_hops(lid);
  let idx = gid.y * P.row_threads + gid.x;
  if (idx < P.n_walkers) {
    let word = walker_site[idx];
    let species = word >> SPECIES_SHIFT;
    var site = word & SITE_MASK;
    let size = vec3<u32>(P.nx, P.ny, P.nz);
    let cell = site / P.basis;
    var b = site % P.basis;
    var coord = vec3<u32>(cell % P.nx, (cell / P.nx) % P.ny, cell / (P.nx * P.ny));
    var region = region_of(site);
    var delta = vec3<i32>(0);
    var hops = 0u;
    let R = P.n_regions;
    let Z = P.coordination;
    // One replica alone: everything from the params. Grouped: from the tables.
    var walker = idx;
    var seed = P.seed;
    var step = P.step;
    var threshold_offset = P.threshold_offset;
    var poisson_offset = P.poisson_offset;
    var poisson_length = P.poisson_length;
    var counter_base = 0u;
    let grouped = P.n_groups > 0u;
    if (grouped) {
      let membership = tables[P.group_offset + idx];
      let g = membership.x;
      walker = membership.y;
      let info = tables[P.group_info_offset + g];
      seed = info.x;
      threshold_offset = info.y;
      step = tables[P.schedule_offset + 2u * g].x;
      let poisson = tables[P.schedule_offset + 2u * g + 1u];
      poisson_offset = poisson.x;
      poisson_length = poisson.y;
      counter_base = g * 2u * (SPECIES_SLOTS + R * R);
    }
    let class_base = threshold_offset + species * R * R * Z;
    let draw = pcg4d(vec4<u32>(walker, seed, step, 0u));
    let ticks = poisson_ticks(draw.x, draw.y, poisson_offset, poisson_length);
    for (var t = 0u; t < ticks; t++) {
      let h = pcg4d(vec4<u32>(walker, seed, step, t + 1u));
      let slot = h.x >> P.slot_shift;
      if (slot >= Z) {
        continue; // an idle slot (3D: 8 slots, 6 directions)
      }
      let w = tables[P.direction_offset + slot].x;
      let next = step_from(coord, b, w, size, P.basis, P.periodic_mask);
      if (next.site == NO_SITE) {
        continue; // a reflecting wall, or a slot of the other sublattice
      }
      let dest = next.site;
      let region_new = region_of(dest);
      let threshold = tables[class_base + (region * R + region_new) * Z + slot];
      if (below64(h.y, h.z, threshold)) {
        if (region_new != region) {
          add64(counter_base + 2u * (SPECIES_SLOTS + region * R + region_new), 1u);
        }
        site = dest;
        coord = next.cell;
        b = next.b;
        region = region_new;
        delta += dir_unit(w);
        hops++;
      }
    }
    walker_site[idx] = site | (species << SPECIES_SHIFT);
    disp_x[idx] += delta.x;
    disp_y[idx] += delta.y;
    disp_z[idx] += delta.z;
    if (grouped) {
      // Groups share workgroups, so each walker adds its own hops to its group's counter.
      if (hops != 0u) {
        add64(counter_base + 2u * species, hops);
      }
    } else {
      atomicAdd(&wg_hops[species], hops);
    }
  }
  end_workgroup_hops(lid);
}
