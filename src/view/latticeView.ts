// Draws the lattice with three.js: sites shaded by region, ions by species.
// It only draws: geometry and colours in, pixels out. It never computes a rate.
// 2D lattices: one textured quad (planeShader) whose cost does not grow with the
// lattice; 3D lattices: sites as points and ions as instanced meshes.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { PLANE_VERTEX, PLANE_FRAGMENT } from './planeShader';
import { SPECIES_STYLES, speciesStyle, cssToRgb } from './palette';

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
}

export interface ViewTheme {
  background: string;
  /** Ion outline colour in 2D. */
  outline: string;
}

export const LIGHT_THEME: ViewTheme = { background: '#ffffff', outline: '#1a1a1a' };
export const PROJECTOR_THEME: ViewTheme = { background: '#000000', outline: '#ffffff' };

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

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, alpha: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.scene.add(this.content);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas.parentElement ?? canvas);
    this.setTheme(LIGHT_THEME);
  }

  /** Builds the meshes for a lattice; call again when the lattice or the ion numbers change. */
  setLattice(picture: LatticePicture, occupancy: Uint8Array): void {
    this.clearContent();
    this.picture = picture;
    if (picture.dim === 2) this.buildPlane(picture, occupancy);
    else this.buildCloud(picture, occupancy);
    this.frameCamera();
    this.setOccupancy(occupancy);
  }

  /** New positions of the ions: species+1 per site, 0 empty. */
  setOccupancy(occupancy: Uint8Array): void {
    const p = this.picture;
    if (!p) return;
    if (p.dim === 2 && this.occupancyTexture) {
      (this.occupancyTexture.image.data as Uint8Array).set(occupancy);
      this.occupancyTexture.needsUpdate = true;
    } else if (p.dim === 3) {
      this.placeIons(p, occupancy);
    }
    this.dirty = true;
  }

  setTheme(theme: ViewTheme): void {
    this.theme = theme;
    this.scene.background = new THREE.Color(theme.background);
    if (this.planeMaterial) this.planeMaterial.uniforms.uOutline.value = srgbVector(theme.outline);
    this.dirty = true;
  }

  /** Draws when something changed (new ions, camera moved, resize). */
  render(force = false): void {
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

  private updateProjection(): void {
    const size = new THREE.Vector2();
    this.renderer.getSize(size);
    const aspect = size.x / Math.max(1, size.y);
    const cam = this.camera;
    if (cam instanceof THREE.OrthographicCamera && this.picture) {
      const [nx, ny] = this.picture.size;
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
    if (p.dim === 2) {
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

  private buildPlane(p: LatticePicture, occupancy: Uint8Array): void {
    const [nx, ny] = p.size;
    const regionBytes = new Uint8Array(nx * ny * 4);
    const rgb = p.regionColors.map(cssToRgb);
    for (let i = 0; i < nx * ny; i++) {
      const c = rgb[p.siteRegion[i]] ?? [128, 128, 128];
      regionBytes.set([c[0], c[1], c[2], 255], 4 * i);
    }
    const regionTexture = dataTexture(regionBytes, nx, ny, THREE.RGBAFormat);
    this.occupancyTexture = dataTexture(new Uint8Array(occupancy.length), nx, ny, THREE.RedFormat);
    const styles = SPECIES_STYLES.map((_, k) => speciesStyle(k, p.speciesColors?.[k]));
    this.planeMaterial = new THREE.ShaderMaterial({
      defines: { SPECIES_STYLE_COUNT: styles.length },
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
      },
    });
    const plane = new THREE.Mesh(new THREE.PlaneGeometry(nx, ny), this.planeMaterial);
    this.content.add(plane);
  }

  private buildCloud(p: LatticePicture, occupancy: Uint8Array): void {
    const [nx, ny, nz] = p.size;
    const n = nx * ny * nz;
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
    const sites = new THREE.Points(geometry, new THREE.PointsMaterial({ size: 0.22, vertexColors: true, sizeAttenuation: true }));
    this.content.add(sites);

    const counts = SPECIES_STYLES.map(() => 0);
    for (let i = 0; i < occupancy.length; i++) if (occupancy[i] > 0) counts[occupancy[i] - 1]++;
    this.content.add(new THREE.HemisphereLight(0xffffff, 0x444444, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.5);
    sun.position.set(1, 2, 3);
    this.content.add(sun);
    this.ionMeshes = SPECIES_STYLES.map((_, s) => {
      const style = speciesStyle(s, p.speciesColors?.[s]);
      const geometry = style.shape === 'circle' ? new THREE.SphereGeometry(style.radius, 16, 12)
        : style.shape === 'diamond' ? new THREE.OctahedronGeometry(style.radius) : new THREE.TetrahedronGeometry(style.radius);
      const mesh = new THREE.InstancedMesh(geometry, new THREE.MeshLambertMaterial({ color: style.color }), Math.max(1, counts[s]));
      mesh.count = counts[s];
      mesh.frustumCulled = false;
      mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
      this.content.add(mesh);
      return mesh;
    });
  }

  private placeIons(p: LatticePicture, occupancy: Uint8Array): void {
    const matrix = new THREE.Matrix4();
    const filled = SPECIES_STYLES.map(() => 0);
    for (let i = 0; i < occupancy.length; i++) {
      const o = occupancy[i];
      if (o === 0) continue;
      const mesh = this.ionMeshes[o - 1];
      const k = filled[o - 1]++;
      if (!mesh || k >= mesh.instanceMatrix.count) continue;
      const [x, y, z] = siteCoordinates(p, i);
      matrix.makeTranslation(x, y, z);
      mesh.setMatrixAt(k, matrix);
    }
    this.ionMeshes.forEach((mesh, s) => {
      mesh.count = Math.min(filled[s], mesh.instanceMatrix.count);
      mesh.instanceMatrix.needsUpdate = true;
    });
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
    this.content.clear();
    this.ionMeshes = [];
    this.occupancyTexture = null;
    this.planeMaterial = null;
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
