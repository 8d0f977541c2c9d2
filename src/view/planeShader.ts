// Shader of the 2D view: one quad whose fragments look up the region and the
// occupant of their lattice cell in two textures and draw the ion's shape with
// a signed distance function. Cost scales with pixels, not with sites, so a
// 1024×1024 lattice draws as fast as a 32×32 one. Colours are written as sRGB
// bytes unchanged (no colour-space conversion), so screenshots show the exact
// region colours of the scene.

// LATTICE_KIND (planeGeometry.ts): 0 a square grid of cells; 1 triangular and 2 honeycomb, drawn at their true
// site positions (nearest-neighbour distance 1), each fragment taking the colour of its nearest site (the Voronoi
// cell: hexagons on the triangular lattice) and looking that site up in the same grid-indexed textures.
export const PLANE_VERTEX = /* glsl */ `
uniform vec2 uSize;
uniform vec2 uCentre;
varying vec2 vCell;
varying vec2 vWorld;
void main() {
  vCell = uv * uSize;
  vWorld = position.xy + uCentre;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

export const PLANE_FRAGMENT = /* glsl */ `
precision highp float;
uniform sampler2D uRegion;
uniform sampler2D uOccupancy;
uniform vec2 uSize;
// One entry per species style (palette.ts SPECIES_STYLES); shape 0 circle, 1 diamond, 2 triangle.
uniform vec3 uSpeciesColor[SPECIES_STYLE_COUNT];
uniform float uSpeciesRadius[SPECIES_STYLE_COUNT];
uniform float uSpeciesShape[SPECIES_STYLE_COUNT];
uniform vec3 uOutline;
uniform vec3 uBoundary;
uniform sampler2D uHeat;
uniform vec3 uHeatColor;
uniform vec3 uBackground;
varying vec2 vCell;
varying vec2 vWorld;

// True when the cell one step away (one axis) lies in a region of another colour.
bool otherRegion(vec2 cell, vec2 step, vec3 here) {
  vec2 n = cell + step;
  if (n.x < 0.0 || n.y < 0.0 || n.x > uSize.x - 1.0 || n.y > uSize.y - 1.0) return false;
  vec3 there = texture2D(uRegion, (n + 0.5) / uSize).rgb;
  return distance(there, here) > 0.004;
}

float sdCircle(vec2 p, float r) { return length(p) - r; }
float sdDiamond(vec2 p, float r) { return (abs(p.x) + abs(p.y) - r) * 0.70710678; }
float sdTriangle(vec2 p, float r) {
  // Equilateral triangle pointing up, circumradius r (Inigo Quilez's exact SDF).
  const float k = 1.7320508;
  float a = r * 0.8660254;
  p.x = abs(p.x) - a;
  p.y = p.y + a / k;
  if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;
  p.x -= clamp(p.x, -2.0 * a, 0.0);
  return -length(p) * sign(p.y);
}

#if LATTICE_KIND != 0
// Centre of grid cell c in world units (planeGeometry.ts sitePosition).
vec2 sitePos(vec2 c) {
#if LATTICE_KIND == 1
  return vec2(c.x + 0.5 * c.y, 0.8660254 * c.y);
#else
  float b = mod(c.x, 2.0);
  return vec2(1.7320508 * 0.5 * (c.x - b) + 0.8660254 * c.y + 0.8660254 * b, 1.5 * c.y + 0.5 * b);
#endif
}
bool inGrid(vec2 c) { return c.x >= 0.0 && c.y >= 0.0 && c.x <= uSize.x - 1.0 && c.y <= uSize.y - 1.0; }
#endif

// Ions, open faces, trails and density over the colour of a cell; f is the offset from the site centre.
vec3 shadeSite(vec3 col, vec2 cell, vec2 f, vec2 world, float px) {
  vec2 uvc = (cell + 0.5) / uSize;
  // Open faces (sites that touch the electrolyte, flagged in the region texture's alpha): diagonal hatching in the
  // boundary colour, so the faces where ions enter and leave stand out on any tint; a plain shade when cells are tiny.
  if (texture2D(uRegion, uvc).a < 0.75) {
    float stripe = fract((world.x + world.y) * 2.0);
    col = px < 0.25 ? mix(col, uBoundary, stripe < 0.3 ? 0.6 : 0.0) : mix(col, uBoundary, 0.35);
  }
  // Trails or hop density: the site's share of recent motion, blended over its region tint.
  float heat = texture2D(uHeat, uvc).r;
  col = mix(col, uHeatColor, 0.65 * heat);
  return col;
}

vec3 shadeIon(vec3 col, vec2 cell, vec2 f, float px) {
  vec2 uvc = (cell + 0.5) / uSize;
  float occ = floor(texture2D(uOccupancy, uvc).r * 255.0 + 0.5);
  if (occ > 0.5) {
    int s = min(int(occ) - 1, SPECIES_STYLE_COUNT - 1);
    vec3 ion = uSpeciesColor[s];
    float r = uSpeciesRadius[s];
    float shape = uSpeciesShape[s];
    if (px > 0.2) {
      // Under five pixels per cell a shape cannot be seen: fill the cell instead.
      col = ion;
    } else {
      float d = shape < 0.5 ? sdCircle(f, r) : (shape < 1.5 ? sdDiamond(f, r) : sdTriangle(f, r));
      float aa = 0.75 * px;
      // Outline 0.09 cells (≥ 1.5 px) wide: the marker stays visible on any region tint (src/view/contrast.ts).
      col = mix(col, uOutline, 1.0 - smoothstep(-aa, aa, d - max(0.09, 1.5 * px)));
      col = mix(col, ion, 1.0 - smoothstep(-aa, aa, d));
    }
  }
  return col;
}

void main() {
#if LATTICE_KIND == 0
  vec2 cell = clamp(floor(vCell), vec2(0.0), uSize - 1.0);
  vec2 uvc = (cell + 0.5) / uSize;
  vec3 col = texture2D(uRegion, uvc).rgb;
  // Lattice cells per screen pixel: decides how much detail is worth drawing.
  float px = max(fwidth(vCell.x), fwidth(vCell.y));
  vec2 f = fract(vCell) - 0.5;
  if (px < 0.1) {
    float edge = 0.5 - max(abs(f.x), abs(f.y));
    col = mix(col * 0.8, col, smoothstep(0.0, 1.2 * px, edge));
  }
  col = shadeSite(col, cell, f, vCell, px);
  // Region boundaries (the interface band) outlined: a line at least 2 px wide on the cell edge.
  vec3 regionHere = texture2D(uRegion, uvc).rgb;
  float lineHalf = max(1.0 * px, 0.05);
  vec2 toEdge = 0.5 - abs(f);
  vec2 side = vec2(f.x > 0.0 ? 1.0 : -1.0, f.y > 0.0 ? 1.0 : -1.0);
  if ((toEdge.x < lineHalf && otherRegion(cell, vec2(side.x, 0.0), regionHere)) || (toEdge.y < lineHalf && otherRegion(cell, vec2(0.0, side.y), regionHere))) {
    col = uBoundary;
  }
  col = shadeIon(col, cell, f, px);
#else
  vec2 p = vWorld;
  float px = max(fwidth(p.x), fwidth(p.y));
  vec2 best = vec2(-1.0);
  vec2 second = vec2(-1.0);
  float d1 = 1e9;
  float d2 = 1e9;
#if LATTICE_KIND == 1
  float v0 = floor(p.y / 0.8660254);
  float u0 = floor(p.x - 0.5 * v0);
  for (int j = -1; j <= 2; j++) for (int i = -1; i <= 2; i++) {
    vec2 c = vec2(u0 + float(i), v0 + float(j));
#else
  float v0 = floor(p.y / 1.5);
  float u0 = floor((p.x - 0.8660254 * v0) / 1.7320508);
  for (int j = -1; j <= 2; j++) for (int i = -1; i <= 2; i++) for (int b = 0; b < 2; b++) {
    vec2 c = vec2(2.0 * (u0 + float(i)) + float(b), v0 + float(j));
#endif
    if (!inGrid(c)) continue;
    float d = distance(sitePos(c), p);
    if (d < d1) { second = best; d2 = d1; best = c; d1 = d; }
    else if (d < d2) { second = c; d2 = d; }
  }
  // Beyond the outermost Voronoi cells (farthest point of a cell: 1/√3 triangular, 1 honeycomb) lies the background.
  float reach = LATTICE_KIND == 1 ? 0.58 : 1.0;
  if (best.x < 0.0 || d1 > reach) { gl_FragColor = vec4(uBackground, 1.0); return; }
  vec2 uvc = (best + 0.5) / uSize;
  vec3 col = texture2D(uRegion, uvc).rgb;
  vec2 f = p - sitePos(best);
  // Distance to the Voronoi edge shared with the second-nearest site (its perpendicular bisector).
  float edge = second.x < 0.0 ? 1.0 : (d2 * d2 - d1 * d1) / (2.0 * distance(sitePos(best), sitePos(second)));
  if (px < 0.1) col = mix(col * 0.8, col, smoothstep(0.0, 1.2 * px, edge));
  col = shadeSite(col, best, f, p, px);
  if (second.x >= 0.0 && edge < max(1.0 * px, 0.05) && distance(texture2D(uRegion, (second + 0.5) / uSize).rgb, texture2D(uRegion, uvc).rgb) > 0.004) col = uBoundary;
  col = shadeIon(col, best, f, px);
#endif
  gl_FragColor = vec4(col, 1.0);
}
`;
