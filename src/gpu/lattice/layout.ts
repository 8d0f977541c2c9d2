// The lattice kernel's params struct (shaders/lattice.wgsl), field for field.
/** struct LatticeParams in shaders/lattice.wgsl. */
export const LATTICE_PARAMS = [
  'nx', 'ny', 'nz', 'n_regions',
  'coordination', 'seed', 'substep', 'direction',
  'colour', 'threshold_offset', 'periodic_mask', 'half_count',
  'row_threads', 'direction_offset', 'basis', 'colour_base',
  'move_kind', 'species_mask', 'level_stride', 'lub_by',
  'lub_sum', 'n_faces', 'catalyst', 'reaction_species',
] as const;

export type LatticeParams = Record<(typeof LATTICE_PARAMS)[number], number>;
