// Draws the lattice with three.js: sites shaded by region, ions by species.
// It only draws: geometry and colours in, pixels out. It never computes a rate.
// 2D lattices: one textured quad (planeShader) whose cost does not grow with the
// lattice; 3D lattices: sites as points and ions as instanced meshes.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { PLANE_VERTEX, PLANE_FRAGMENT } from './planeShader';
import { PLANE_KIND_CODE, centred, nearestCell, planeGeometry, planeSize, sitePosition, type PlaneGeometry, type PlaneKind } from './planeGeometry';
import { SPECIES_STYLES, speciesStyle, cssToRgb } from './palette';
import { extractSlice, sliceAxes, sliceSize, siteIndex, type Axis } from './slice';

/** Most ions drawn as instanced meshes in 3D: above it a uniform sample is drawn and the page says so. */
export const MAX_DRAWN_IONS = 4000;
/** Above this many sites the 3D view draws region slabs only, no point per site. */
const MAX_SITE_POINTS = 1 << 17;

/** A 3D lattice drawn whole or as one plane. */
export type SliceChoice = { axis: Axis; index: number } | null;

export interface LatticePicture {
  dim: 2 | 3;
  /** Sites per axis; size[2] = 1 in 2D. */
  size: readonly [number, number, number];
  /** Region of every site. */
  siteRegion: Uint8Array;
  /** CSS colour per region. */
  regionColors: readonly string[];
  /** CSS colour per species where the scene chose one (else the palette's). */
  speciesColors?: readonly (string | undefined)[];
  /** Length of one site step along x, y, z relative to x (a layered lattice: c/a along z); default 1, 1, 1. */
  axisScale?: readonly [number, number, number];
  /** 2D only: how sites are placed (planeGeometry.ts); default a square grid. */
  kind?: PlaneKind;
  /** Open-face index + 1 of every site, 0 inside (RateModel.channels.reservoir.siteFace); drawn hatched in 2D. */
  siteFace?: Uint8Array;
}

export interface ViewTheme {
  background: string;
  /** Ion outline colour in 2D. */
  outline: string;
  /** Line between regions of different colour (the interface band's edges). */
  boundary: string;
  /** Colour of trails and hop density. */
  heat: string;
}

export const LIGHT_THEME: ViewTheme = { background: '#ffffff', outline: '#1a1a1a', boundary: '#1a1a1a', heat: '#8e0152' };
export const PROJECTOR_THEME: ViewTheme = { background: '#000000', outline: '#ffffff', boundary: '#ffffff', heat: '#f0e442' };

/** What is drawn over the region tints: nothing, fading trails, or the hop density since the last reset. */
export type MotionOverlay = 'none' | 'trails' | 'density';
/** Crossing flashes drawn per frame at most, and how long one lasts (ms). */
const MAX_FLASHES = 24;
const FLASH_MS = 700;

/** Trail brightness left after one real second: a site stays lit for about half a second after an ion left it. */
const TRAIL_PER_SECOND = 0.01;

export class LatticeView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private camera: THREE.OrthographicCamera | THREE.PerspectiveCamera = new THREE.OrthographicCamera();
  private controls: OrbitControls | null = null;
  private picture: LatticePicture | null = null;
  private content = new THREE.Group();
  private occupancyTexture: THREE.DataTexture | null = null;
  private planeMaterial: THREE.ShaderMaterial | null = null;
  private ionMeshes: THREE.InstancedMesh[] = [];
  private readonly resizeObserver: ResizeObserver;
  private theme: ViewTheme = LIGHT_THEME;
  private dirty = true;
  private slice: SliceChoice = null;
  private sliceRegion: Uint8Array | null = null;
  private sliceOccupancy: Uint8Array | null = null;
  /** Ions drawn and ions present in the last 3D frame (drawn < present when capped). */
  drawnIons = { drawn: 0, total: 0 };
  private overlay: MotionOverlay = 'none';
  /** Per site of the whole lattice: trail brightness (0..1) or hops out of the site. */
  private heat: Float32Array | null = null;
  private previousOccupancy: Uint8Array | null = null;
  private lastHeatUpdate = 0;
  private heatTexture: THREE.DataTexture | null = null;
  private heatSlice: Float32Array | null = null;
  private followLine: THREE.Mesh | THREE.Line | null = null;
  private followMarker: THREE.Mesh | null = null;
  /** Rings where an ion just crossed into another region (2D), with the time they appeared. */
  private flashes: { mesh: THREE.Mesh; born: number }[] = [];
  private crossingReference: Uint8Array | null = null;
  /** Where the flat view (2D or a slice) draws each grid cell. */
  private plane: PlaneGeometry = planeGeometry('grid', 1, 1);

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, alpha: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.scene.add(this.content);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas.parentElement ?? canvas);
    this.setTheme(LIGHT_THEME);
  }

  /** Builds the meshes for a lattice; call again when the lattice or the ion numbers change. */
  setLattice(picture: LatticePicture, occupancy: Uint8Array): void {
    const sameGeometry = this.picture && this.picture.dim === picture.dim && this.picture.size.every((n, k) => n === picture.size[k]);
    this.clearContent();
    this.picture = picture;
    if (this.slice && (picture.dim === 2 || this.slice.index >= picture.size[this.slice.axis])) this.slice = null;
    this.plane = planeGeometry(picture.dim === 2 ? picture.kind ?? 'grid' : 'grid', picture.size[0], picture.size[1]);
    if (picture.dim === 2) this.buildPlane(picture.size[0], picture.size[1], picture.siteRegion, picture.regionColors, picture.speciesColors, picture.siteFace);
    else if (this.slice) this.buildSlice(picture, this.slice);
    else this.buildCloud(picture, occupancy);
    // Keep the camera where the user put it when only colours changed (theme switch).
    if (!sameGeometry || !this.controls || this.cameraKind() !== (picture.dim === 2 || this.slice ? 'plane' : 'space')) this.frameCamera();
    this.setOccupancy(occupancy);
  }

  /** Draws one plane of a 3D lattice (as a 2D picture), or the whole lattice again with null. */
  setSlice(slice: SliceChoice, occupancy: Uint8Array): void {
    this.slice = slice;
    if (this.picture) this.setLattice(this.picture, occupancy);
  }

  /**
   * The site under a point of the canvas (client pixels), in the 2D view or a
   * slice; null in the whole 3D view or off the lattice.
   */
  siteAt(clientX: number, clientY: number): number | null {
    const p = this.picture;
    if (!p || (p.dim === 3 && !this.slice)) return null;
    const rect = this.canvas.getBoundingClientRect();
    const ndc = new THREE.Vector3(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1, 0);
    const world = ndc.unproject(this.camera);
    const cell = nearestCell(this.plane, world.x, world.y);
    if (!cell) return null;
    const [a, b] = cell;
    if (p.dim === 2) return a + p.size[0] * b;
    const [u, v] = sliceAxes(this.slice!.axis);
    const c = [0, 0, 0];
    c[this.slice!.axis] = this.slice!.index;
    c[u] = a;
    c[v] = b;
    return siteIndex(p.size, c[0], c[1], c[2]);
  }

  /** Draws a followed ion's path (lattice coordinates, x y z per point) and a ring on its last point; null removes it. */
  setFollowPath(path: readonly number[] | null): void {
    const p = this.picture;
    for (const o of [this.followLine, this.followMarker]) {
      if (!o) continue;
      this.scene.remove(o);
      o.geometry.dispose();
      (o.material as THREE.Material).dispose();
    }
    this.followLine = null;
    this.followMarker = null;
    this.dirty = true;
    if (!p || !path || path.length < 3) return;
    const flat = p.dim === 2 || this.slice !== null;
    // Flat views show the in-plane coordinates of the path; the whole 3D view shows it as it is.
    const [u, v] = p.dim === 2 ? [0, 1] : this.slice ? sliceAxes(this.slice.axis) : [0, 1];
    const points: THREE.Vector3[] = [];
    for (let k = 0; k < path.length; k += 3) {
      if (flat) points.push(new THREE.Vector3(...centred(this.plane, sitePosition(this.plane, path[k + u], path[k + v])), 0.02));
      else points.push(new THREE.Vector3(path[k] - (p.size[0] - 1) / 2, path[k + 1] - (p.size[1] - 1) / 2, path[k + 2] - (p.size[2] - 1) / 2));
    }
    const color = new THREE.Color(this.theme.heat);
    this.followLine = flat ? ribbon(points, 0.16, color) : new THREE.Line(new THREE.BufferGeometry().setFromPoints(points), new THREE.LineBasicMaterial({ color }));
    const ring = flat ? new THREE.RingGeometry(0.5, 0.68, 32) : new THREE.SphereGeometry(0.6, 12, 8);
    this.followMarker = new THREE.Mesh(ring, new THREE.MeshBasicMaterial({ color, depthTest: !flat, transparent: !flat, opacity: flat ? 1 : 0.6 }));
    this.followMarker.position.copy(points[points.length - 1]);
    this.followLine.renderOrder = 2;
    this.followMarker.renderOrder = 3;
    this.scene.add(this.followLine, this.followMarker);
  }

  /** Width over height of the flat drawing (2D or a slice) including its margin; 4/3 for the whole 3D view. */
  get drawingAspect(): number {
    const p = this.picture;
    if (!p || (p.dim === 3 && !this.slice)) return 4 / 3;
    const [w, h] = this.planeExtent();
    return w / h;
  }

  /** Trails, hop density or neither (2D and slice views). */
  setOverlay(overlay: MotionOverlay): void {
    this.overlay = overlay;
    this.clearMotion();
    this.dirty = true;
  }

  /** Forgets the motion so far (a new run or new parameters). */
  clearMotion(): void {
    this.heat = null;
    this.previousOccupancy = null;
    if (this.heatTexture) {
      (this.heatTexture.image.data as Uint8Array).fill(0);
      this.heatTexture.needsUpdate = true;
    }
  }

  /** New positions of the ions: species+1 per site, 0 empty. */
  setOccupancy(occupancy: Uint8Array): void {
    const p = this.picture;
    if (!p) return;
    this.flashCrossings(occupancy);
    this.updateMotion(occupancy);
    if (p.dim === 2 && this.occupancyTexture) {
      (this.occupancyTexture.image.data as Uint8Array).set(occupancy);
      this.occupancyTexture.needsUpdate = true;
    } else if (p.dim === 3 && this.slice && this.occupancyTexture && this.sliceOccupancy) {
      extractSlice(p.size, occupancy, this.slice.axis, this.slice.index, this.sliceOccupancy);
      (this.occupancyTexture.image.data as Uint8Array).set(this.sliceOccupancy);
      this.occupancyTexture.needsUpdate = true;
    } else if (p.dim === 3) {
      this.placeIons(p, occupancy);
    }
    this.dirty = true;
  }

  setTheme(theme: ViewTheme): void {
    this.theme = theme;
    this.scene.background = new THREE.Color(theme.background);
    if (this.planeMaterial) {
      this.planeMaterial.uniforms.uOutline.value = srgbVector(theme.outline);
      this.planeMaterial.uniforms.uBoundary.value = srgbVector(theme.boundary);
      this.planeMaterial.uniforms.uHeatColor.value = srgbVector(theme.heat);
      this.planeMaterial.uniforms.uBackground.value = srgbVector(theme.background);
    }
    this.dirty = true;
  }

  /** Draws when something changed (new ions, camera moved, resize). */
  render(force = false): void {
    if (this.flashes.length > 0) {
      this.ageFlashes();
      this.dirty = true; // one more frame after the last flash is gone, to clear it
    }
    if (!this.dirty && !force) return;
    this.controls?.update();
    this.renderer.render(this.scene, this.camera);
    this.dirty = false;
  }

  /** The view as a PNG data URL (rendered right before reading, so no preserved buffer is needed). */
  toPNG(): string {
    this.render(true);
    return this.canvas.toDataURL('image/png');
  }

  resetCamera(): void {
    this.frameCamera();
    this.dirty = true;
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.clearContent();
    this.renderer.dispose();
  }

  private resize(): void {
    const host = this.canvas.parentElement ?? this.canvas;
    const w = Math.max(1, host.clientWidth);
    const h = Math.max(1, host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.updateProjection();
    this.dirty = true;
  }

  /**
   * A ring flashes on every site (2D, up to MAX_FLASHES per frame) that an ion
   * entered from a neighbour of another region since the last frame: an empty
   * site of region b that is now occupied next to a site of region a ≠ b that
   * was occupied and is now empty. With many hops per frame a pair may be a
   * coincidence rather than one hop, so the ring marks where crossings happen,
   * and the exact count is the crossing counter's.
   */
  private flashCrossings(occupancy: Uint8Array): void {
    const p = this.picture;
    const prev = this.crossingReference;
    this.crossingReference = p && p.dim === 2 ? Uint8Array.from(occupancy) : null;
    if (!p || p.dim !== 2 || !prev || prev.length !== occupancy.length) return;
    const [nx, ny] = p.size;
    const now = performance.now();
    let made = 0;
    for (let i = 0; i < occupancy.length && made < MAX_FLASHES; i++) {
      if (prev[i] !== 0 || occupancy[i] === 0) continue;
      const x = i % nx;
      const y = Math.floor(i / nx);
      const neighbours = [x > 0 ? i - 1 : i + nx - 1, x < nx - 1 ? i + 1 : i - nx + 1, y > 0 ? i - nx : i + nx * (ny - 1), y < ny - 1 ? i + nx : i - nx * (ny - 1)];
      for (const j of neighbours) {
        if (p.siteRegion[j] === p.siteRegion[i] || prev[j] !== occupancy[i] || occupancy[j] !== 0) continue;
        const ring = new THREE.Mesh(new THREE.RingGeometry(0.55, 0.85, 24), new THREE.MeshBasicMaterial({ color: new THREE.Color(this.theme.heat), transparent: true, depthTest: false }));
        ring.position.set(...centred(this.plane, sitePosition(this.plane, x, y)), 0.03);
        ring.renderOrder = 4;
        this.scene.add(ring);
        this.flashes.push({ mesh: ring, born: now });
        made++;
        break;
      }
    }
  }

  /** Fades and removes crossing flashes. */
  private ageFlashes(): void {
    const now = performance.now();
    this.flashes = this.flashes.filter((f) => {
      const age = (now - f.born) / FLASH_MS;
      if (age < 1) {
        (f.mesh.material as THREE.MeshBasicMaterial).opacity = 1 - age;
        f.mesh.scale.setScalar(1 + age);
        return true;
      }
      this.scene.remove(f.mesh);
      f.mesh.geometry.dispose();
      (f.mesh.material as THREE.Material).dispose();
      return false;
    });
  }

  /** Sites an ion left since the last frame light up (trails, fading with time) or count up (density). */
  private updateMotion(occupancy: Uint8Array): void {
    const now = performance.now();
    if (this.overlay === 'none' || !this.heatTexture) {
      this.previousOccupancy = null;
      return;
    }
    const prev = this.previousOccupancy;
    if (!this.heat || this.heat.length !== occupancy.length) this.heat = new Float32Array(occupancy.length);
    const heat = this.heat;
    if (prev && prev.length === occupancy.length) {
      if (this.overlay === 'trails') {
        const fade = TRAIL_PER_SECOND ** Math.min(1, (now - this.lastHeatUpdate) / 1000);
        for (let i = 0; i < heat.length; i++) heat[i] = prev[i] !== 0 && prev[i] !== occupancy[i] ? 1 : heat[i] * fade;
      } else {
        for (let i = 0; i < heat.length; i++) if (prev[i] !== 0 && prev[i] !== occupancy[i]) heat[i] += 1;
      }
    }
    this.lastHeatUpdate = now;
    this.previousOccupancy = Uint8Array.from(occupancy);
    let shown: Float32Array = heat;
    const p = this.picture!;
    if (p.dim === 3 && this.slice) {
      const [w, h] = sliceSize(p.size, this.slice.axis);
      if (!this.heatSlice || this.heatSlice.length !== w * h) this.heatSlice = new Float32Array(w * h);
      shown = extractSlice(p.size, heat, this.slice.axis, this.slice.index, this.heatSlice);
    } else if (p.dim === 3) {
      return;
    }
    let scale = 1;
    if (this.overlay === 'density') {
      let max = 0;
      for (let i = 0; i < shown.length; i++) if (shown[i] > max) max = shown[i];
      scale = max > 0 ? 1 / max : 0;
    }
    const bytes = this.heatTexture.image.data as Uint8Array;
    for (let i = 0; i < shown.length; i++) bytes[i] = Math.min(255, Math.round(255 * Math.sqrt(shown[i] * scale)));
    this.heatTexture.needsUpdate = true;
  }

  private cameraKind(): 'plane' | 'space' {
    return this.camera instanceof THREE.OrthographicCamera ? 'plane' : 'space';
  }

  /** Width and height of what the flat (orthographic) view shows. */
  private planeExtent(): [number, number] {
    return planeSize(this.plane);
  }

  private updateProjection(): void {
    const size = new THREE.Vector2();
    this.renderer.getSize(size);
    const aspect = size.x / Math.max(1, size.y);
    const cam = this.camera;
    if (cam instanceof THREE.OrthographicCamera && this.picture) {
      const [nx, ny] = this.planeExtent();
      const halfH = Math.max(ny, nx / aspect) * 0.52;
      cam.top = halfH;
      cam.bottom = -halfH;
      cam.left = -halfH * aspect;
      cam.right = halfH * aspect;
    } else if (cam instanceof THREE.PerspectiveCamera) {
      cam.aspect = aspect;
    }
    cam.updateProjectionMatrix();
  }

  private frameCamera(): void {
    const p = this.picture;
    if (!p) return;
    this.controls?.dispose();
    if (p.dim === 2 || this.slice) {
      const cam = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 100);
      cam.position.set(0, 0, 10);
      this.camera = cam;
      const controls = new OrbitControls(cam, this.canvas);
      controls.enableRotate = false;
      controls.screenSpacePanning = true;
      controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
      this.controls = controls;
    } else {
      const extent = Math.max(...p.size);
      const cam = new THREE.PerspectiveCamera(40, 1, 0.1, extent * 20);
      cam.position.set(extent * 1.3, extent * 0.9, extent * 1.6);
      cam.lookAt(0, 0, 0);
      this.camera = cam;
      this.controls = new OrbitControls(cam, this.canvas);
    }
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => {
      this.dirty = true;
    });
    this.resize();
  }

  private buildSlice(p: LatticePicture, slice: { axis: Axis; index: number }): void {
    const [w, h] = sliceSize(p.size, slice.axis);
    this.sliceRegion = extractSlice(p.size, p.siteRegion, slice.axis, slice.index, new Uint8Array(w * h));
    this.sliceOccupancy = new Uint8Array(w * h);
    // A slice of a layered lattice keeps its true proportions: the interlayer axis is drawn c/a times as long.
    const [u, v] = sliceAxes(slice.axis);
    const scale = p.axisScale ?? [1, 1, 1];
    this.plane = planeGeometry('grid', w, h, [1, scale[v] / scale[u]]);
    this.buildPlane(w, h, this.sliceRegion, p.regionColors, p.speciesColors);
  }

  private buildPlane(nx: number, ny: number, siteRegion: Uint8Array, regionColors: readonly string[], speciesColors?: readonly (string | undefined)[], siteFace?: Uint8Array): void {
    const regionBytes = new Uint8Array(nx * ny * 4);
    const rgb = regionColors.map(cssToRgb);
    for (let i = 0; i < nx * ny; i++) {
      const c = rgb[siteRegion[i]] ?? [128, 128, 128];
      // Alpha carries the open-face flag (the shader hatches those sites); colours stay in rgb.
      regionBytes.set([c[0], c[1], c[2], siteFace && siteFace[i] > 0 ? 128 : 255], 4 * i);
    }
    const regionTexture = dataTexture(regionBytes, nx, ny, THREE.RGBAFormat);
    this.occupancyTexture = dataTexture(new Uint8Array(nx * ny), nx, ny, THREE.RedFormat);
    this.heatTexture = dataTexture(new Uint8Array(nx * ny), nx, ny, THREE.RedFormat);
    const styles = SPECIES_STYLES.map((_, k) => speciesStyle(k, speciesColors?.[k]));
    const g = this.plane;
    const [centreX, centreY] = [(g.min[0] + g.max[0]) / 2, (g.min[1] + g.max[1]) / 2];
    this.planeMaterial = new THREE.ShaderMaterial({
      defines: { SPECIES_STYLE_COUNT: styles.length, LATTICE_KIND: PLANE_KIND_CODE[g.kind] },
      vertexShader: PLANE_VERTEX,
      fragmentShader: PLANE_FRAGMENT,
      uniforms: {
        uRegion: { value: regionTexture },
        uOccupancy: { value: this.occupancyTexture },
        uSize: { value: new THREE.Vector2(nx, ny) },
        uSpeciesColor: { value: styles.map((s) => srgbVector(s.color)) },
        uSpeciesRadius: { value: styles.map((s) => s.radius) },
        uSpeciesShape: { value: styles.map((s) => s.shapeCode) },
        uOutline: { value: srgbVector(this.theme.outline) },
        uBoundary: { value: srgbVector(this.theme.boundary) },
        uHeat: { value: this.heatTexture },
        uHeatColor: { value: srgbVector(this.theme.heat) },
        uBackground: { value: srgbVector(this.theme.background) },
        uCentre: { value: new THREE.Vector2(centreX, centreY) },
      },
    });
    const [width, height] = planeSize(g);
    const plane = new THREE.Mesh(new THREE.PlaneGeometry(width, height), this.planeMaterial);
    this.content.add(plane);
  }

  private buildCloud(p: LatticePicture, occupancy: Uint8Array): void {
    const [nx, ny, nz] = p.size;
    const n = nx * ny * nz;
    if (n <= MAX_SITE_POINTS) {
      const positions = new Float32Array(3 * n);
      const colors = new Float32Array(3 * n);
      const regionColors = p.regionColors.map((c) => new THREE.Color(c));
      for (let i = 0; i < n; i++) {
        const [x, y, z] = siteCoordinates(p, i);
        positions.set([x, y, z], 3 * i);
        const c = regionColors[p.siteRegion[i]];
        colors.set([c.r, c.g, c.b], 3 * i);
      }
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
      geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
      const material = new THREE.PointsMaterial({ size: 0.1, vertexColors: true, sizeAttenuation: true });
      this.content.add(new THREE.Points(geometry, material));
    }
    this.addRegionSlabs(p);

    const counts = SPECIES_STYLES.map(() => 0);
    for (let i = 0; i < occupancy.length; i++) if (occupancy[i] > 0) counts[occupancy[i] - 1]++;
    this.content.add(new THREE.HemisphereLight(0xffffff, 0x444444, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.5);
    sun.position.set(1, 2, 3);
    this.content.add(sun);
    // Fewer facets when many ions are drawn: the triangle count, not the ion count, is what costs.
    const coarse = counts.reduce((a, b) => a + b, 0) > 1000;
    this.ionMeshes = SPECIES_STYLES.map((_, s) => {
      const style = speciesStyle(s, p.speciesColors?.[s]);
      const geometry = style.shape === 'circle' ? (coarse ? new THREE.IcosahedronGeometry(style.radius, 0) : new THREE.SphereGeometry(style.radius, 16, 12))
        : style.shape === 'diamond' ? new THREE.OctahedronGeometry(style.radius) : new THREE.TetrahedronGeometry(style.radius);
      const capacity = Math.max(1, Math.min(counts[s], MAX_DRAWN_IONS));
      const mesh = new THREE.InstancedMesh(geometry, new THREE.MeshLambertMaterial({ color: style.color }), capacity);
      mesh.count = 0;
      mesh.frustumCulled = false;
      mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
      this.content.add(mesh);
      return mesh;
    });
  }

  /**
   * Each region that is a box of sites as a translucent slab with outlined
   * edges, so the interface plane shows in 3D (a region that is "the rest of
   * the lattice" has no box and gets none).
   */
  private addRegionSlabs(p: LatticePicture): void {
    const R = p.regionColors.length;
    const lo = Array.from({ length: R }, () => [Infinity, Infinity, Infinity]);
    const hi = Array.from({ length: R }, () => [-Infinity, -Infinity, -Infinity]);
    const count = new Float64Array(R);
    const [nx, ny] = p.size;
    for (let i = 0; i < p.siteRegion.length; i++) {
      const r = p.siteRegion[i];
      const c = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      count[r]++;
      for (let k = 0; k < 3; k++) {
        if (c[k] < lo[r][k]) lo[r][k] = c[k];
        if (c[k] > hi[r][k]) hi[r][k] = c[k];
      }
    }
    for (let r = 0; r < R; r++) {
      if (count[r] === 0) continue;
      const extent = [0, 1, 2].map((k) => hi[r][k] - lo[r][k] + 1);
      if (extent[0] * extent[1] * extent[2] !== count[r]) continue;
      const geometry = new THREE.BoxGeometry(extent[0], extent[1], extent[2]);
      const color = new THREE.Color(p.regionColors[r]);
      const slab = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color, transparent: true, opacity: 0.16, depthWrite: false, side: THREE.FrontSide }));
      const centre = [0, 1, 2].map((k) => (lo[r][k] + hi[r][k]) / 2 - (p.size[k] - 1) / 2);
      slab.position.set(centre[0], centre[1], centre[2]);
      slab.renderOrder = 1;
      const edges = new THREE.LineSegments(new THREE.EdgesGeometry(geometry), new THREE.LineBasicMaterial({ color: this.theme.boundary }));
      edges.position.copy(slab.position);
      this.content.add(slab, edges);
    }
  }

  /** Instanced ions at their sites; above MAX_DRAWN_IONS per species a uniform sample (every k-th ion in site order). */
  private placeIons(p: LatticePicture, occupancy: Uint8Array): void {
    const matrix = new THREE.Matrix4();
    const seen = SPECIES_STYLES.map(() => 0);
    for (let i = 0; i < occupancy.length; i++) if (occupancy[i] > 0) seen[occupancy[i] - 1]++;
    const every = seen.map((n) => Math.max(1, Math.ceil(n / MAX_DRAWN_IONS)));
    const order = SPECIES_STYLES.map(() => 0);
    const filled = SPECIES_STYLES.map(() => 0);
    for (let i = 0; i < occupancy.length; i++) {
      const o = occupancy[i];
      if (o === 0) continue;
      const s = o - 1;
      const mesh = this.ionMeshes[s];
      if (order[s]++ % every[s] !== 0 || !mesh || filled[s] >= mesh.instanceMatrix.count) continue;
      const [x, y, z] = siteCoordinates(p, i);
      matrix.makeTranslation(x, y, z);
      mesh.setMatrixAt(filled[s]++, matrix);
    }
    this.ionMeshes.forEach((mesh, s) => {
      mesh.count = Math.min(filled[s], mesh.instanceMatrix.count);
      mesh.instanceMatrix.needsUpdate = true;
    });
    this.drawnIons = { drawn: filled.reduce((a, b) => a + b, 0), total: seen.reduce((a, b) => a + b, 0) };
  }

  private clearContent(): void {
    this.content.traverse((o) => {
      const m = o as THREE.Mesh;
      m.geometry?.dispose();
      const mat = m.material as THREE.Material | THREE.Material[] | undefined;
      if (Array.isArray(mat)) mat.forEach((x) => x.dispose());
      else mat?.dispose();
    });
    this.planeMaterial?.uniforms.uRegion.value.dispose();
    this.occupancyTexture?.dispose();
    this.heatTexture?.dispose();
    this.heatTexture = null;
    this.heatSlice = null;
    this.content.clear();
    this.ionMeshes = [];
    this.occupancyTexture = null;
    this.planeMaterial = null;
    this.sliceRegion = null;
    this.sliceOccupancy = null;
    for (const f of this.flashes) f.born = -Infinity;
    this.ageFlashes();
    this.crossingReference = null;
    this.drawnIons = { drawn: 0, total: 0 };
  }
}

/** Site centre in lattice units with the lattice centred on the origin. */
function siteCoordinates(p: LatticePicture, i: number): [number, number, number] {
  const [nx, ny, nz] = p.size;
  const x = i % nx;
  const y = Math.floor(i / nx) % ny;
  const z = Math.floor(i / (nx * ny));
  return [x - (nx - 1) / 2, y - (ny - 1) / 2, z - (nz - 1) / 2];
}

/** A flat polyline of the given width (lattice units) as triangles: WebGL draws THREE.Line one pixel wide, too thin on a projector. */
function ribbon(points: THREE.Vector3[], width: number, color: THREE.Color): THREE.Mesh {
  const positions: number[] = [];
  const h = width / 2;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    // Normal to the segment, lengthened by half a width at both ends so joints close.
    const nx = (-dy / len) * h;
    const ny = (dx / len) * h;
    const ex = (dx / len) * h;
    const ey = (dy / len) * h;
    const p0 = [a.x - ex + nx, a.y - ey + ny];
    const p1 = [a.x - ex - nx, a.y - ey - ny];
    const p2 = [b.x + ex - nx, b.y + ey - ny];
    const p3 = [b.x + ex + nx, b.y + ey + ny];
    for (const [x, y] of [p0, p1, p2, p0, p2, p3]) positions.push(x, y, a.z);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(positions, 3));
  return new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color, depthTest: false, side: THREE.DoubleSide }));
}

function dataTexture(bytes: Uint8Array, w: number, h: number, format: THREE.PixelFormat): THREE.DataTexture {
  const t = new THREE.DataTexture(bytes, w, h, format, THREE.UnsignedByteType);
  t.magFilter = THREE.NearestFilter;
  t.minFilter = THREE.NearestFilter;
  t.generateMipmaps = false;
  t.unpackAlignment = 1;
  t.colorSpace = THREE.NoColorSpace;
  t.needsUpdate = true;
  return t;
}

/** sRGB components 0..1 written straight to the framebuffer by the plane shader. */
function srgbVector(css: string): THREE.Vector3 {
  const [r, g, b] = cssToRgb(css);
  return new THREE.Vector3(r / 255, g / 255, b / 255);
}
