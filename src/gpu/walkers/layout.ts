// The walkers kernel's params struct (shaders/walkers.wgsl), field for field.
/** struct WalkerParams in shaders/walkers.wgsl. */
export const WALKER_PARAMS = [
  'n_walkers', 'seed', 'step', 'poisson_offset',
  'poisson_length', 'nx', 'ny', 'nz',
  'n_regions', 'coordination', 'slot_shift', 'periodic_mask',
  'row_threads', 'threshold_offset', 'direction_offset', 'basis',
  'n_groups', 'group_offset', 'group_info_offset', 'schedule_offset',
] as const;

export type WalkerParams = Record<(typeof WALKER_PARAMS)[number], number>;
