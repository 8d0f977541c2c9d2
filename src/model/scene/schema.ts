// The scene file format: one JSON document fully describes a run.
// Shape and ranges live here (zod); relations between fields (regions tiling
// the box, species names, populations that fit) are checked in validateScene.
import { z } from 'zod';
import { LATTICE_TYPES, LATTICE_DIM } from '../lattice';

/** Display shapes a species may ask for (the view draws these). */
export const SPECIES_SHAPES = ['sphere', 'cube', 'octahedron', 'tetrahedron', 'cone', 'torus'] as const;
export type SpeciesShape = (typeof SPECIES_SHAPES)[number];

/** Most species one scene may declare (4 bits of species in the CPU engine's site records leave room; the GPU counters hold SPECIES_SLOTS). */
export const MAX_SPECIES = 8;

/**
 * The species of a scene that declares none, in this order (their indices
 * are the ones every file written before species became data used); charge in e.
 */
export const DEFAULT_SPECIES = [
  { name: 'Zn2+', charge: 2, label: 'Zn²⁺' },
  { name: 'H+', charge: 1, label: 'H⁺' },
  { name: 'OH-', charge: -1, label: 'OH⁻ (adsorbed)' },
] as const;
/** A name of one of the default species. */
export type SpeciesName = string;
export const DEFAULT_SPECIES_NAMES: readonly string[] = DEFAULT_SPECIES.map((s) => s.name);

export const AXES = ['x', 'y', 'z'] as const;
export type AxisName = (typeof AXES)[number];

/** Largest lattice the exact engine accepts (sites); keeps typed arrays in bounds. */
export const MAX_SITES = 1 << 26;

/** A finite number; `allowed` (e.g. "[0, 50] eV") is named in every message so the user knows what to write. */
const finite = (what: string, allowed: string) =>
  z.number({ error: (iss) => (iss.input === undefined ? `${what} is required: a number in ${allowed}` : `${what} must be a number in ${allowed}`) })
    .refine(Number.isFinite, { message: `${what} must be a finite number in ${allowed} (got NaN or Infinity)` });

const energy = (what: string) =>
  finite(what, '[-50, 50] eV').refine((v) => Math.abs(v) <= 50, { message: `${what} must lie in [-50, 50] eV` });

const barrier = (what: string) =>
  finite(what, '[0, 50] eV').refine((v) => v >= 0 && v <= 50, { message: `${what} must lie in [0, 50] eV` });

const positiveInt = (what: string, max: number) =>
  z.number({ error: `${what} must be a whole number in [1, ${max}]` })
    .int({ message: `${what} must be a whole number in [1, ${max}]` })
    .min(1, { message: `${what} must be at least 1 (allowed: [1, ${max}])` })
    .max(max, { message: `${what} must be at most ${max} (allowed: [1, ${max}])` });

/** A whole site index ≥ min along an axis (the upper bound, the lattice size, is checked in validateScene). */
const siteIndex = (what: string, min: number) =>
  z.number({ error: `${what} must be a whole site index ≥ ${min}` })
    .int({ message: `${what} must be a whole site index ≥ ${min}` })
    .min(min, { message: `${what} must be ≥ ${min}` });

/** A name shown in summaries and the app: printable text (no control characters, which would reach the terminal). */
const displayName = (what: string, max: number) =>
  z.string({ error: `${what} must be a string of 1 to ${max} printable characters` })
    .min(1, { message: `${what} must not be empty (1 to ${max} printable characters)` })
    .max(max, { message: `${what} must have at most ${max} characters` })
    // eslint-disable-next-line no-control-regex
    .refine((v) => !/[\u0000-\u001f\u007f-\u009f]/.test(v), { message: `${what} must not contain control characters (tabs, newlines, escape codes)` });

const speciesKey = (what: string) => z.string({ error: `${what} must be a species name (one of the scene's "species", by default ${DEFAULT_SPECIES_NAMES.join(', ')})` });

/** #rgb, #rgba, #rrggbb, #rrggbbaa; rgb()/rgba()/hsl()/hsla() with numbers, %, deg, commas, spaces and /; a named colour (letters only). */
export const CSS_COLOUR = /^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|(rgb|rgba|hsl|hsla)\(\s*[0-9.+\-eE%deg,/ ]{1,60}\)|[a-zA-Z]{3,30})$/;
const CSS_COLOUR_ALLOWED = 'region color must be a CSS colour: #rgb, #rrggbb (with optional alpha), rgb(…), rgba(…), hsl(…), hsla(…) or a colour name such as "teal"';

export const boundarySchema = z.enum(['periodic', 'reflecting'], {
  error: 'boundary must be "periodic" or "reflecting"',
});

const latticeTypeList = LATTICE_TYPES.map((t) => `"${t}" (${LATTICE_DIM[t]}D)`).join(', ');

export const latticeSchema = z.strictObject({
  type: z.enum(LATTICE_TYPES, { error: `lattice.type must be one of ${latticeTypeList}` }),
  size: z.array(positiveInt('lattice size', 1 << 16)).min(2).max(3),
  /** Nearest-neighbour distance, Å (in-plane for layered). */
  spacing: finite('lattice.spacing (Å)', '(0, 100] Å').refine((v) => v > 0 && v <= 100, {
    message: 'lattice.spacing must lie in (0, 100] Å',
  }),
  /** Layered only: distance between layers (along z), Å; default = spacing. */
  interlayerSpacing: finite('lattice.interlayerSpacing (Å)', '(0, 100] Å').refine((v) => v > 0 && v <= 100, {
    message: 'lattice.interlayerSpacing must lie in (0, 100] Å',
  }).optional(),
  boundary: z.array(boundarySchema).min(2).max(3),
});

/** Per-species parameters inside one region. */
export const regionSpeciesSchema = z.strictObject({
  siteEnergy: energy('siteEnergy (eV)').default(0),
  barrier: barrier('barrier (eV)'),
  /** Layered lattices only: barrier of a hop between layers (along z); default = barrier. */
  interlayerBarrier: barrier('interlayerBarrier (eV)').optional(),
});

/** A species a scene declares; its index is its position in the list. */
export const speciesSchema = z.strictObject({
  name: z.string().min(1, { message: 'species name must not be empty' }).max(32),
  /** Charge in units of e. */
  charge: z.number({ error: 'species charge must be a whole number of e in [-4, 4]' }).int({ message: 'species charge must be a whole number of e in [-4, 4]' })
    .min(-4, { message: 'species charge must lie in [-4, 4] e' }).max(4, { message: 'species charge must lie in [-4, 4] e' }),
  /** Label for legends and plots; default = name. */
  label: z.string().max(64).optional(),
  /** Display colour (CSS); default from the palette. */
  color: z.string().max(32).optional(),
  shape: z.enum(SPECIES_SHAPES, { error: `species shape must be one of ${SPECIES_SHAPES.join(', ')}` }).optional(),
  /** Molar mass, g/mol: the stored mass per charge Δm/Δq (what EQCM reports) needs it for every species that enters. */
  molarMass: finite('species molarMass (g/mol)', '(0, 1000] g/mol').refine((v) => v > 0 && v <= 1000, { message: 'species molarMass must lie in (0, 1000] g/mol' }).optional(),
});

const geometrySlab = z.strictObject({
  axis: z.enum(AXES, { error: 'slab.axis must be "x", "y" or "z"' }),
  from: siteIndex('slab.from', 0),
  to: siteIndex('slab.to', 1),
});
const geometryBox = z.strictObject({
  from: z.array(siteIndex('box.from[]', 0), { error: 'box.from must be a list of 2 or 3 site indices' }).min(2, { message: 'box.from needs 2 or 3 entries' }).max(3, { message: 'box.from needs 2 or 3 entries' }),
  to: z.array(siteIndex('box.to[]', 1), { error: 'box.to must be a list of 2 or 3 site indices' }).min(2, { message: 'box.to needs 2 or 3 entries' }).max(3, { message: 'box.to needs 2 or 3 entries' }),
});

export const regionSchema = z.strictObject({
  name: displayName('region name', 64),
  /** Half-open site-index range [from, to) along one axis; omitted together with box: the rest of the lattice. */
  slab: geometrySlab.optional(),
  /** Half-open site-index box [from, to) per axis. */
  box: geometryBox.optional(),
  /**
   * Shading in the view, a CSS colour; the model ignores it. Only colour syntax
   * passes (it ends up in a style attribute: a shared link must not inject CSS).
   */
  color: z.string({ error: CSS_COLOUR_ALLOWED }).max(64, { message: CSS_COLOUR_ALLOWED }).regex(CSS_COLOUR, { message: CSS_COLOUR_ALLOWED }).optional(),
  species: z.record(z.string(), regionSpeciesSchema),
  /**
   * Built-in electrostatic potential φ of the region, V (default 0): adds z·φ (eV) to the
   * site energy of an ion of charge z (e) and z·(φ_a + φ_b)/2 to the saddle of a bond between regions a and b.
   */
  potential: finite('region potential (V)', '[-10, 10] V').refine((v) => Math.abs(v) <= 10, {
    message: 'region potential must lie in [-10, 10] V',
  }).optional(),
});

export const interfaceSchema = z.strictObject({
  between: z.tuple([z.string({ error: 'interfaces[].between holds two region names' }), z.string({ error: 'interfaces[].between holds two region names' })], { error: 'interfaces[].between must be a list of two region names' }),
  /** Barrier (eV) of a hop across the two regions, measured from the lower of the two site energies. */
  barrier: z.record(z.string(), barrier('interface barrier (eV)')),
});

export const interactionSchema = z.strictObject({
  species: z.tuple([speciesKey('interactions[].species[]'), speciesKey('interactions[].species[]')], { error: 'interactions[].species must be a list of two species names' }),
  /** Nearest-neighbour pair energy (eV); positive = repulsion. */
  energy: energy('interaction energy (eV)'),
});

export const populationSchema = z
  .strictObject({
    species: speciesKey('populations[].species'),
    region: z.string({ error: 'populations[].region must be a region name' }).optional(),
    count: z.number({ error: 'count must be a whole number ≥ 0' }).int({ message: 'count must be a whole number ≥ 0' }).min(0, { message: 'count must be ≥ 0' }).optional(),
    fraction: finite('fraction', '[0, 1]').refine((v) => v >= 0 && v <= 1, { message: 'fraction must lie in [0, 1]' }).optional(),
  })
  .refine((p) => (p.count === undefined) !== (p.fraction === undefined), {
    message: 'give exactly one of count or fraction',
  });

/** How Λ, the count of lubricating ions around a bond, shifts its saddle: λ·min(1, Λ) or λ·Λ. */
export const LUBRICATION_MODES = ['any', 'sum'] as const;

/** Lubrication (src/model/lubrication.ts): `by` ions around a hop of `species` shift its saddle symmetrically. */
export const lubricationSchema = z.strictObject({
  species: z.string({ error: 'lubrication.species must be a species name' }),
  by: z.string({ error: 'lubrication.by must be a species name' }),
  /** λ, eV: the saddle shift per lubricating ion ("sum") or once for any ("any"); negative lowers the barrier. */
  saddleShift: finite('lubrication.saddleShift (eV)', '[-5, 5] eV').refine((v) => Math.abs(v) <= 5, {
    message: 'lubrication.saddleShift must lie in [-5, 5] eV',
  }),
  mode: z.enum(LUBRICATION_MODES, { error: `lubrication.mode must be one of ${LUBRICATION_MODES.map((m) => `"${m}"`).join(', ')}` }).default('any'),
});

/** Water dissociation on surface–host bonds (src/model/waterDissociation.ts). */
export const waterDissociationSchema = z.strictObject({
  kind: z.literal('water-dissociation', { error: 'reactions[].kind must be "water-dissociation"' }),
  /** Regions whose sites adsorb the OH- (surface sites s). */
  surface: z.array(z.string()).min(1, { message: 'reactions[].surface needs at least one region' }),
  /** Regions whose sites take the H+ (host sites h, neighbours of s). */
  host: z.array(z.string()).min(1, { message: 'reactions[].host needs at least one region' }),
  hydroxide: z.string().default('OH-'),
  proton: z.string().default('H+'),
  /** Ea0, eV: the BEP intercept (barrier at ΔE = 0). */
  barrier: barrier('reactions[].barrier (eV)'),
  /** ω, the BEP slope. */
  bepSlope: finite('reactions[].bepSlope', '[0, 1]').refine((v) => v >= 0 && v <= 1, { message: 'reactions[].bepSlope must lie in [0, 1]' }).default(0.5),
  /** pKw of the electrolyte (14 for water at 298 K). */
  pKw: finite('reactions[].pKw', '[0, 30]').refine((v) => v >= 0 && v <= 30, { message: 'reactions[].pKw must lie in [0, 30]' }).default(14),
  /** Water activity a_w at this reaction; default electrolyte.waterActivity, else 1. */
  waterActivity: finite('reactions[].waterActivity', '(0, 1]').refine((v) => v > 0 && v <= 1, { message: 'reactions[].waterActivity must lie in (0, 1]' }).optional(),
  /** An ion (e.g. Zn2+) around the bond that polarises the water and lowers both barriers by barrierShift (eV, ≤ 0). */
  catalyst: z.strictObject({
    species: z.string(),
    barrierShift: finite('reactions[].catalyst.barrierShift (eV)', '[-5, 0] eV').refine((v) => v >= -5 && v <= 0, { message: 'reactions[].catalyst.barrierShift must lie in [-5, 0] eV' }),
  }).optional(),
});

export const fieldSchema = z.strictObject({
  axis: z.enum(AXES, { error: 'field.axis must be "x", "y" or "z"' }),
  /** Field strength in V/Å (1 V/Å = 1e10 V/m). */
  strength: finite('field.strength (V/Å)', '[-1, 1] V/Å').refine((v) => Math.abs(v) <= 1, {
    message: 'field.strength must lie in [-1, 1] V/Å',
  }),
});

/** Faces of the box a reservoir may open: axis and end ("x-" is the layer x = 0, "x+" the last). */
export const RESERVOIR_FACES = ['x-', 'x+', 'y-', 'y+', 'z-', 'z+'] as const;
export type ReservoirFace = (typeof RESERVOIR_FACES)[number];

/** Activity of a species in the electrolyte (dimensionless, mol/L over 1 mol/L); 0 makes a face a pure sink. */
const activity = (what: string) =>
  finite(what, '[0, 1000]').refine((v) => v >= 0 && v <= 1000, { message: `${what} must lie in [0, 1000]` });

export const electrolyteSchema = z.strictObject({
  /** Electrode potential U, V: μ_s = kBT·ln a_s − z_s·U (eV, z in e). */
  potential: finite('electrolyte.potential (V)', '[-10, 10] V').refine((v) => Math.abs(v) <= 10, {
    message: 'electrolyte.potential must lie in [-10, 10] V',
  }).default(0),
  /** Activity per species name. */
  activity: z.record(z.string(), activity('electrolyte.activity')).default({}),
  /** pH: sets the activity of the species named "H+" to 10^−pH. */
  pH: finite('electrolyte.pH', '[-2, 16]').refine((v) => v >= -2 && v <= 16, { message: 'electrolyte.pH must lie in [-2, 16]' }).optional(),
  /** Water activity a_w of the electrolyte (concentrated "water-in-salt" electrolytes: < 1); enters ΔG_w of water dissociation. */
  waterActivity: finite('electrolyte.waterActivity', '(0, 1]').refine((v) => v > 0 && v <= 1, { message: 'electrolyte.waterActivity must lie in (0, 1]' }).optional(),
});

export const reservoirSchema = z
  .strictObject({
    name: z.string().min(1, { message: 'reservoir name must not be empty' }).max(64),
    /** A face of the box on a reflecting axis: every site of its first or last layer touches the electrolyte. */
    face: z.enum(RESERVOIR_FACES, { error: `reservoir face must be one of ${RESERVOIR_FACES.join(', ')}` }).optional(),
    /** Or a named region: every site of it touches the electrolyte. */
    region: z.string().optional(),
    /** Desolvation barrier G‡ per species (eV), from the solvated ion at unit activity and U = 0; a species without one does not cross this face. */
    desolvationBarrier: z.record(z.string(), barrier('desolvationBarrier (eV)')),
    /** Activities at this face, overriding electrolyte.activity per species (two faces at different activities drive a flux). */
    activity: z.record(z.string(), activity('reservoir activity')).optional(),
    /**
     * A finite electrolyte behind this reservoir: ions per species (whole numbers) it holds at the start. The
     * activity is then n/(N_A·volumeL·1 mol/L) and falls as ions enter the electrode (src/model/reservoir.ts).
     */
    inventory: z.record(z.string(), z.number({ error: 'reservoir inventory must be a whole number of ions in [0, 1e9]' }).int({ message: 'reservoir inventory must be a whole number of ions in [0, 1e9]' })
      .min(0, { message: 'reservoir inventory must be ≥ 0 ions (allowed: [0, 1e9])' }).max(1e9, { message: 'reservoir inventory must be ≤ 1e9 ions' })).optional(),
    /** Volume of that electrolyte, litres (needed with inventory: count → concentration, pH). */
    volumeL: finite('reservoir volumeL (litres)', '(0, 1e-3] L').refine((v) => v > 0 && v <= 1e-3, { message: 'reservoir volumeL must lie in (0, 1e-3] L' }).optional(),
  })
  .refine((r) => (r.face === undefined) !== (r.region === undefined), { message: 'give exactly one of face or region' });

/**
 * A GITT-like pulse (src/run/protocolPlan.ts): `cycles` times, drive insertion for
 * `duration` s, then `relaxation` s with every face closed to the electrolyte.
 * The drive is either a current (`current`, ions/s of `species` put on the empty
 * face sites of `reservoir` by a current source, the faces closed otherwise) or a
 * potential (`potential`, V: the faces open at that U).
 */
export const pulseSchema = z
  .strictObject({
    /** The species the current carries and whose open-circuit potential is reported. */
    species: z.string({ error: 'protocol.pulse.species must be a species name' }),
    /** The reservoir (by name) the current enters through and whose face occupancy gives the open-circuit potential; default the first. */
    reservoir: z.string({ error: 'protocol.pulse.reservoir must be a reservoir name' }).optional(),
    /** Galvanostatic: insertions per second (ions/s, the whole face). */
    current: finite('protocol.pulse.current (ions/s)', '(0, 1e15] ions/s').refine((v) => v > 0 && v <= 1e15, { message: 'protocol.pulse.current must lie in (0, 1e15] ions/s' }).optional(),
    /** Potentiostatic: the electrode potential held during the pulse, V. */
    potential: finite('protocol.pulse.potential (V)', '[-10, 10] V').refine((v) => Math.abs(v) <= 10, { message: 'protocol.pulse.potential must lie in [-10, 10] V' }).optional(),
    /** Pulse length, s. */
    duration: finite('protocol.pulse.duration (s)', '(0, ∞) s').refine((v) => v > 0, { message: 'protocol.pulse.duration must be > 0 s' }),
    /** Open-circuit relaxation after each pulse, s. */
    relaxation: finite('protocol.pulse.relaxation (s)', '(0, ∞) s').refine((v) => v > 0, { message: 'protocol.pulse.relaxation must be > 0 s' }),
    cycles: positiveInt('protocol.pulse.cycles', 100).default(1),
  })
  .refine((p) => (p.current === undefined) !== (p.potential === undefined), { message: 'protocol.pulse: give exactly one of current (ions/s, galvanostatic) or potential (V, potentiostatic)' });

export const runSchema = z
  .strictObject({
    /** Stop after this many events (per replica). */
    events: z.number({ error: 'run.events must be a whole number in [1, 1e12]' }).int({ message: 'run.events must be a whole number in [1, 1e12]' }).min(1, { message: 'run.events must be ≥ 1 (allowed: [1, 1e12])' })
      .max(1e12, { message: 'run.events must be ≤ 1e12 (allowed: [1, 1e12])' }).optional(),
    /** Stop at this simulated time (s, per replica). */
    time: finite('run.time (s)', '(0, ∞) s').refine((v) => v > 0, { message: 'run.time must be > 0 s' }).optional(),
    /** Number of samples of the observables along the run. */
    samples: positiveInt('run.samples', 100000).default(100),
    /** Independent replicas (different random streams) used for error bars. */
    replicas: positiveInt('run.replicas', 1024).default(4),
  })
  .refine((r) => r.events !== undefined || r.time !== undefined, {
    message: 'give run.events, run.time or both',
  });

export const observeSchema = z.strictObject({
  /** Axis of the occupancy profile (default: the field axis, else the axis normal to the first slab, else x). */
  profileAxis: z.enum(AXES).optional(),
  /** Fraction of the run excluded from the start of the MSD fit (ballistic/transient part). */
  fitFrom: finite('observe.fitFrom', '[0, 1)').refine((v) => v >= 0 && v < 1, { message: 'observe.fitFrom must lie in [0, 1)' }).default(0.2),
});

export const sceneSchema = z.strictObject({
  ionhop: z.literal(1, { error: 'ionhop (format version) must be 1' }),
  name: displayName('name', 200),
  description: z.string().max(20000).default(''),
  /** For the browser app: what to look at, what to change, what should happen and why. */
  classroom: z.string().max(20000).optional(),
  /** Literature the numbers come from. */
  references: z.array(z.string().max(2000)).max(50).optional(),
  lattice: latticeSchema,
  /** The species of this scene; default: Zn2+, H+, OH- (in that order). */
  species: z.array(speciesSchema).min(1, { message: 'declare at least one species' })
    .max(MAX_SPECIES, { message: `at most ${MAX_SPECIES} species per scene` }).optional(),
  temperature: finite('temperature (K)', '(0, 5000] K').refine((v) => v > 0 && v <= 5000, {
    message: 'temperature must lie in (0, 5000] K',
  }),
  attemptFrequency: finite('attemptFrequency (Hz)', '(0, 1e16] Hz').refine((v) => v > 0 && v <= 1e16, {
    message: 'attemptFrequency must lie in (0, 1e16] Hz',
  }),
  seed: z.number({ error: 'seed must be a whole number in [0, 4294967295]' }).int({ message: 'seed must be a whole number in [0, 4294967295]' })
    .min(0, { message: 'seed must be ≥ 0 (allowed: [0, 4294967295])' })
    .max(2 ** 32 - 1, { message: 'seed must be ≤ 4294967295' }),
  run: runSchema,
  regions: z.array(regionSchema).min(1, { message: 'at least one region is needed' }).max(255),
  interfaces: z.array(interfaceSchema).default([]),
  interactions: z.array(interactionSchema).default([]),
  populations: z.array(populationSchema).min(1, { message: 'at least one population is needed' }),
  field: fieldSchema.optional(),
  /** The electrolyte the reservoir faces open to (src/model/reservoir.ts). */
  electrolyte: electrolyteSchema.optional(),
  /** Lattice sites per formula unit of the host: the stored charge per formula unit is ΔN·sitesPerFormulaUnit/sites. */
  sitesPerFormulaUnit: finite('sitesPerFormulaUnit', '(0, 1000]').refine((v) => v > 0 && v <= 1000, { message: 'sitesPerFormulaUnit must lie in (0, 1000]' }).optional(),
  /**
   * What the electrolyte does during the run: a potential staircase (`potentials`: hold U: one
   * value; a potential step, PITT: two; a staircase voltammogram: many; the run's time is cut
   * into equal steps, step k at potentials[k] V) or a GITT-like pulse (`pulse`, src/run/protocolPlan.ts).
   */
  protocol: z.strictObject({
    potentials: z.array(finite('protocol.potentials (V)', '[-10, 10] V').refine((v) => Math.abs(v) <= 10, { message: 'protocol potentials must lie in [-10, 10] V' }))
      .min(1, { message: 'protocol.potentials needs at least one potential' }).max(200, { message: 'protocol.potentials takes at most 200 steps' }).optional(),
    pulse: pulseSchema.optional(),
  }).refine((p) => (p.potentials === undefined) !== (p.pulse === undefined), { message: 'protocol: give exactly one of potentials (a staircase) or pulse (GITT-like)' }).optional(),
  /** Faces or regions open to the electrolyte: ions enter and leave through them. */
  reservoirs: z.array(reservoirSchema).max(16, { message: 'at most 16 reservoirs per scene' }).default([]),
  /** Kinetic saddle shifts by neighbouring ions of another species (purely kinetic: equilibrium unchanged). */
  /** Surface reactions (today: water dissociation). */
  reactions: z.array(waterDissociationSchema).max(1, { message: 'at most one reaction per scene' }).default([]),
  lubrication: z.array(lubricationSchema).max(16, { message: 'at most 16 lubrication rules' }).default([]),
  observe: observeSchema.default({ fitFrom: 0.2 }),
});

/** A scene as written in the file (defaults not yet applied). */
export type SceneInput = z.input<typeof sceneSchema>;
/** A parsed scene with defaults applied; units: eV, K, Hz, s, Å, V/Å. */
export type Scene = z.output<typeof sceneSchema>;

export type SceneSpecies = z.output<typeof speciesSchema>;

/** The species of a scene, in index order: its own list, else the defaults. */
export function sceneSpecies(scene: { species?: readonly SceneSpecies[] }): readonly SceneSpecies[] {
  return scene.species ?? DEFAULT_SPECIES;
}
