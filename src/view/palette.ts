// Colours and shapes that tell species and regions apart. Okabe–Ito palette
// (Okabe & Ito 2008), safe for the common forms of colour blindness; species
// also differ in shape and size so the view reads in greyscale too.

export const OKABE_ITO = {
  black: '#000000',
  orange: '#e69f00',
  skyBlue: '#56b4e9',
  bluishGreen: '#009e73',
  yellow: '#f0e442',
  blue: '#0072b2',
  vermillion: '#d55e00',
  reddishPurple: '#cc79a7',
} as const;

export type IonShape = 'circle' | 'diamond' | 'triangle';

export interface SpeciesStyle {
  color: string;
  shape: IonShape;
  /** Radius relative to the lattice spacing. */
  radius: number;
  /** Shape code used by the shaders (0 circle, 1 diamond, 2 triangle). */
  shapeCode: number;
}

/**
 * Default style per species index (the first three are the default species
 * Zn2+, H+, OH-), one per species a scene may declare (MAX_SPECIES).
 */
export const SPECIES_STYLES: readonly SpeciesStyle[] = [
  { color: OKABE_ITO.blue, shape: 'circle', radius: 0.4, shapeCode: 0 },
  { color: OKABE_ITO.vermillion, shape: 'diamond', radius: 0.3, shapeCode: 1 },
  { color: OKABE_ITO.bluishGreen, shape: 'triangle', radius: 0.42, shapeCode: 2 },
  { color: OKABE_ITO.reddishPurple, shape: 'circle', radius: 0.3, shapeCode: 0 },
  { color: OKABE_ITO.orange, shape: 'diamond', radius: 0.4, shapeCode: 1 },
  { color: OKABE_ITO.skyBlue, shape: 'triangle', radius: 0.34, shapeCode: 2 },
  { color: OKABE_ITO.black, shape: 'circle', radius: 0.25, shapeCode: 0 },
  { color: OKABE_ITO.yellow, shape: 'diamond', radius: 0.34, shapeCode: 1 },
];

/** Style of species s: the default with the scene's own colour, when it gives one. */
export function speciesStyle(s: number, sceneColor?: string): SpeciesStyle {
  const base = SPECIES_STYLES[s % SPECIES_STYLES.length];
  return sceneColor ? { ...base, color: sceneColor } : base;
}

/** Region shades when a scene gives no `color`: light, so the ions stand out. */
export const DEFAULT_REGION_COLORS: readonly string[] = [
  '#d9d9d9', OKABE_ITO.skyBlue, OKABE_ITO.orange, OKABE_ITO.yellow, OKABE_ITO.reddishPurple, '#a6a6a6', OKABE_ITO.bluishGreen,
];

export function regionColor(sceneColor: string | undefined, region: number): string {
  return sceneColor ?? DEFAULT_REGION_COLORS[region % DEFAULT_REGION_COLORS.length];
}

/** sRGB bytes of a CSS colour; hex (#rgb, #rrggbb), rgb() and names the browser knows. */
export function cssToRgb(css: string): [number, number, number] {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css.trim());
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/./g, (c) => c + c) : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  if (typeof document === 'undefined') return [128, 128, 128];
  // Let the browser parse names and rgb()/hsl(): a 1×1 canvas reads the colour back.
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return [128, 128, 128];
  ctx.fillStyle = '#808080';
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}
