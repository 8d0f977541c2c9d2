// Lattice gas with site exclusion: one sub-step of the checkerboard pair
// update (docs/gpu.md). The orchestrator picks a direction d and a colour c
// ((x + y + z) mod 2) per sub-step; every site i of colour c forms the pair
// (i, i + d). When exactly one of the two holds an ion, it hops across with
// probability k·Z·τ (64-bit threshold) for its own direction. The pairs are
// disjoint (the shift along d is a bijection between the colours), so no two
// hops of a sub-step touch the same site and the result does not depend on
// the order of the invocations.
// Shared bindings and counters: shaders/kernel.wgsl (prepended).
// Twin: src/gpu/twins/latticeTwin.ts. Layouts: src/gpu/layouts.ts.

struct LatticeParams {
  nx: u32, ny: u32, nz: u32, n_regions: u32,
  coordination: u32, seed: u32, substep: u32, direction: u32,
  colour: u32, threshold_offset: u32, periodic_mask: u32, half_count: u32,
  row_threads: u32, pad0: u32, pad1: u32, pad2: u32,
}

@group(0) @binding(0) var<uniform> P: LatticeParams;
// 0 empty, else (ion + 1) | species << 28
@group(0) @binding(3) var<storage, read_write> occupancy: array<u32>;

// Stream word of the lattice kernel's random keys (src/gpu/rng.ts STREAM.lattice).
const LATTICE_STREAM = 0x6c617474u;

@compute @workgroup_size(256)
fn substep(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  begin_workgroup_hops(lid);
  let idx = gid.y * P.row_threads + gid.x;
  if (idx < P.half_count) {
    // Thread idx → the idx-th site of colour c (nx is even: nx/2 per row).
    let half_x = P.nx >> 1u;
    let row = idx / half_x;
    let y = row % P.ny;
    let z = row / P.ny;
    let x = 2u * (idx % half_x) + ((y + z + P.colour) & 1u);
    let site = x + P.nx * row;
    // The pair (site, dest = site + d): colour-c sites pair with distinct
    // other-colour sites, so the pairs of a sub-step are disjoint. An ion in
    // a pair with one ion hops across the bond, either way, with its own
    // probability: each pair update obeys detailed balance, so equilibrium
    // occupancies are exact at any τ (docs/gpu.md).
    let axis = P.direction >> 1u;
    let plus = (P.direction & 1u) == 0u;
    let coord = vec3<u32>(x, y, z);
    let size = vec3<u32>(P.nx, P.ny, P.nz);
    let stride = vec3<u32>(1u, P.nx, P.nx * P.ny);
    let c = coord[axis];
    let n = size[axis];
    let periodic = ((P.periodic_mask >> axis) & 1u) != 0u;
    var dest = 0xffffffffu;
    if (plus) {
      if (c + 1u < n) {
        dest = site + stride[axis];
      } else if (periodic) {
        dest = site - (n - 1u) * stride[axis];
      }
    } else {
      if (c > 0u) {
        dest = site - stride[axis];
      } else if (periodic) {
        dest = site + (n - 1u) * stride[axis];
      }
    }
    if (dest != 0xffffffffu) {
      let word_here = occupancy[site];
      let word_there = occupancy[dest];
      if ((word_here == 0u) != (word_there == 0u)) {
        let forward = word_here != 0u;
        let word = select(word_there, word_here, forward);
        let source = select(dest, site, forward);
        let sink = select(site, dest, forward);
        let direction = select(P.direction ^ 1u, P.direction, forward);
        let species = word >> 28u;
        let R = P.n_regions;
        let region = region_of(source);
        let region_new = region_of(sink);
        let threshold = tables[P.threshold_offset + ((species * R + region) * R + region_new) * P.coordination + direction];
        if (threshold.x != 0u || threshold.y != 0u) {
          let h = pcg4d(vec4<u32>(site, P.seed, P.substep, LATTICE_STREAM));
          if (below64(h.x, h.y, threshold)) {
            occupancy[sink] = word;
            occupancy[source] = 0u;
            let ion = (word & 0x0fffffffu) - 1u;
            let step = select(-1, 1, (direction & 1u) == 0u);
            if (axis == 0u) {
              disp_x[ion] += step;
            } else if (axis == 1u) {
              disp_y[ion] += step;
            } else {
              disp_z[ion] += step;
            }
            if (region_new != region) {
              count_crossing(R, region, region_new);
            }
            atomicAdd(&wg_hops[species], 1u);
          }
        }
      }
    }
  }
  end_workgroup_hops(lid);
}
