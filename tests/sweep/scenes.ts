// Small scenes for the sweep tests, as scene-file JSON (what `ionhop sweep` reads).

/**
 * Dilute random walk: 40 Zn2+ on a 64×64 periodic lattice (filling 1 %), every
 * hop crossing the same 0.35 eV barrier. Run by events, so every temperature gets
 * the same hops per ion. Exclusion lowers D* by about 1.4·filling at every
 * temperature alike, which leaves the Arrhenius slope untouched.
 */
export function randomWalkScene(seed = 11) {
  return {
    ionhop: 1,
    name: 'dilute random walk',
    lattice: { type: 'square', size: [64, 64], spacing: 3.0, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed,
    run: { events: 40 * 300, samples: 20, replicas: 16 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.35 } } }],
    populations: [{ species: 'Zn2+', count: 40 }],
  };
}

/**
 * Two-layer medium: layers two rows thick along y (A: rows 0–1, B: rows 2–3),
 * periodic, 128 columns, 8 ions (filling 1.6 %). A's barrier is swept; B's stays
 * 0.30 eV; crossings between the layers use the higher of the two saddles.
 */
export function twoLayerScene(seed = 12, replicas = 32) {
  return {
    ionhop: 1,
    name: 'two-layer medium',
    lattice: { type: 'square', size: [128, 4], spacing: 3.0, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed,
    run: { events: 8 * 1000, samples: 20, replicas },
    regions: [
      { name: 'A', slab: { axis: 'y', from: 0, to: 2 }, species: { 'Zn2+': { barrier: 0.3 } } },
      { name: 'B', slab: { axis: 'y', from: 2, to: 4 }, species: { 'Zn2+': { barrier: 0.3 } } },
    ],
    populations: [{ species: 'Zn2+', count: 8 }],
  };
}

/**
 * Dilute random walk sampled on a time grid (what a batched gpu-walkers sweep
 * needs): 32 Zn2+ on a 48×48 periodic lattice (filling 1.4 %), barrier 0.3 eV,
 * run for 0.55 µs: ~200 hops per ion at 300 K, ~3600 at 400 K. The relative SE
 * of D* from an end-of-run MSD is about 1/√(ions), whatever the run length, so
 * the precision comes from the ion count.
 */
export function timedWalkScene(seed = 41, replicas = 16) {
  return {
    ionhop: 1,
    name: 'dilute timed walk',
    lattice: { type: 'square', size: [48, 48], spacing: 3.0, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed,
    run: { time: 5.5e-7, samples: 10, replicas },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', count: 32 }],
  };
}

/**
 * A small water-dissociation surface (scenes/vn-oh-volcano.json cut down): a
 * 12-site surface row open to the electrolyte for OH-, above a host row whose
 * H+ leave into a sink, 3 Zn2+ catalysts; 10 ms: about a hundred net
 * dissociations per replica near the volcano's top (E_OH ≈ −0.4 eV, ~3e3 per
 * surface site and second), a few dozen on either side at ±0.1 eV.
 */
/** `ohSiteEnergy`: the *OH binding energy E_OH, eV (the volcano's axis). */
export function smallVolcanoScene(seed = 23, replicas = 3, ohSiteEnergy = -0.4) {
  return {
    ionhop: 1,
    name: 'small water-dissociation surface',
    lattice: { type: 'square', size: [12, 3], spacing: 2.9, boundary: ['periodic', 'reflecting'] },
    species: [
      { name: 'Zn2+', charge: 2 },
      { name: 'H+', charge: 1 },
      { name: 'OH-', charge: -1 },
    ],
    temperature: 300,
    attemptFrequency: 1e13,
    seed,
    run: { time: 0.01, samples: 20, replicas },
    regions: [
      { name: 'surface', slab: { axis: 'y', from: 0, to: 1 }, species: { 'OH-': { siteEnergy: ohSiteEnergy, barrier: 1.2 }, 'Zn2+': { barrier: 1.2 } } },
      { name: 'host', slab: { axis: 'y', from: 1, to: 2 }, species: { 'H+': { siteEnergy: -0.3, barrier: 0.35 } } },
      { name: 'bulk', species: {} },
    ],
    reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: 0.62, bepSlope: 0.5, pKw: 14, catalyst: { species: 'Zn2+', barrierShift: -0.15 } }],
    populations: [{ species: 'Zn2+', region: 'surface', count: 3 }],
    electrolyte: { activity: { 'OH-': 1e-10, 'H+': 0 } },
    reservoirs: [
      { name: 'electrolyte', face: 'y-', desolvationBarrier: { 'OH-': 0.1 } },
      { name: 'H+ sink', region: 'host', desolvationBarrier: { 'H+': 0.05 } },
    ],
    observe: { profileAxis: 'y', fitFrom: 0.2 },
  };
}
