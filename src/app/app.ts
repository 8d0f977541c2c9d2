// The app's state and wiring: which scene, which edits, which seed, which
// engine, playing or not. It hands frames to the view and the plots and turns
// user actions into engine requests. It computes no physics itself.
import type { Scene } from '../model/scene/schema';
import { parseSceneText, validateScene, SceneError } from '../model/scene/validate';
import { compileRateModel, type RateModel } from '../model/rateModel';
import { initialOccupancy } from '../model/initialState';
import { LatticeView, LIGHT_THEME, PROJECTOR_THEME } from '../view/latticeView';
import { regionColor, speciesStyle } from '../view/palette';
import type { Frame, SessionInfo } from '../worker/protocol';
import { PRESETS, findPreset, DEFAULT_PRESET_ID } from './presets';
import { applyEdits, editableParams, placementChanged, type EditableParam } from './sceneEdits';
import { readUrl, writeUrl, packSceneText, unpackSceneText, ENGINE_CHOICES, SPEED_RANGE, type EngineChoice } from './urlState';
import { openHost } from './engineChoice';
import type { SimulationHost } from './simulationHost';
import { ObservableHistory } from './observableHistory';
import { LivePlots, LIGHT_PLOTS, PROJECTOR_PLOTS, formatNumber } from './plots';
import { renderLegend, escapeHtml } from './legend';
import { renderClassroom } from './classroom';
import { renderParams, setParamValue } from './paramControls';
import { installShortcuts } from './keyboard';
import { download, downloadDataUrl, observablesCsv, safeFileStem, sceneFileText } from './exports';

type SceneSource = { kind: 'preset'; id: string } | { kind: 'file'; name: string; packed: string };

/** Work per animation frame before the engine hands back a frame (ms). */
const FRAME_BUDGET_MS = 14;
/** Plots redraw at most this often (ms); the view draws every frame. */
const PLOT_INTERVAL_MS = 100;

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
}

export class App {
  private readonly view: LatticeView;
  private readonly history = new ObservableHistory();
  private readonly plots: LivePlots;
  private readonly ui = {
    picker: $<HTMLSelectElement>('scene-picker'),
    file: $<HTMLInputElement>('scene-file'),
    badge: $('engine-badge'),
    projector: $<HTMLInputElement>('projector-toggle'),
    help: $<HTMLDialogElement>('help-dialog'),
    message: $('message'),
    messageText: $('message-text'),
    play: $<HTMLButtonElement>('play'),
    speed: $<HTMLInputElement>('speed'),
    speedOut: $<HTMLOutputElement>('speed-out'),
    seed: $<HTMLInputElement>('seed'),
    engine: $<HTMLSelectElement>('engine-choice'),
    params: $('params'),
    classroom: $('classroom'),
    description: $('description'),
    sceneName: $('scene-name'),
    time: $('sim-time'),
    events: $('sim-events'),
    runState: $('run-state'),
    legend: $('legend'),
    dStar: $('dstar-readout'),
    profileCaption: $('profile-caption'),
    drop: $('drop-overlay'),
  };

  private source: SceneSource = { kind: 'preset', id: DEFAULT_PRESET_ID };
  private baseScene!: Scene;
  private scene!: Scene;
  private model!: RateModel;
  private params: EditableParam[] = [];
  private edits = new Map<string, number>();
  private seed = 0;
  private engineChoice: EngineChoice = 'auto';
  private speedLevel = 1;
  private projector = false;
  private playing = false;
  private host: SimulationHost | null = null;
  private info: SessionInfo | null = null;
  /** Serialises every engine request so a change never interleaves with an advance. */
  private queue: Promise<unknown> = Promise.resolve();
  private advancing = false;
  /** Bumped when a run restarts: frames of an older run are dropped. */
  private generation = 0;
  private lastPlotDraw = 0;
  private framesApplied = 0;
  private pendingSteps = 0;
  private frozen = false;

  constructor() {
    this.view = new LatticeView($<HTMLCanvasElement>('view'));
    this.plots = new LivePlots({ msd: $('plot-msd'), dStar: $('plot-dstar'), profile: $('plot-profile') }, this.history);
  }

  async boot(): Promise<void> {
    const { state, problems } = readUrl(location.search);
    this.fillPicker();
    this.setProjector(state.projector ?? false, false);
    this.engineChoice = state.engine ?? 'auto';
    this.ui.engine.value = this.engineChoice;

    let base: Scene | null = null;
    if (state.sceneData) {
      try {
        const text = await unpackSceneText(state.sceneData);
        base = parseSceneText(text, 'the scene in the link');
        this.source = { kind: 'file', name: base.name, packed: state.sceneData };
      } catch (e) {
        problems.push(e instanceof SceneError ? e.message : `URL parameter sceneData could not be read (${(e as Error).message}); showing a preset instead`);
      }
    }
    if (!base) {
      let id = state.scene ?? DEFAULT_PRESET_ID;
      if (!findPreset(id)) {
        problems.push(`URL parameter scene=${JSON.stringify(id)} is not a preset; presets are ${PRESETS.map((p) => p.id).join(', ')}`);
        id = DEFAULT_PRESET_ID;
      }
      base = this.presetScene(id);
      this.source = { kind: 'preset', id };
    }
    this.ui.picker.value = this.source.kind === 'preset' ? this.source.id : '';

    // Apply the link's edits one at a time, so one bad value drops only itself.
    const edits = new Map<string, number>();
    for (const [key, value] of state.edits) {
      const trial = new Map(edits).set(key, value);
      try {
        applyEdits(base, trial);
        edits.set(key, value);
      } catch (e) {
        const issue = e instanceof SceneError ? e.issues.map((i) => `${i.path === key ? '' : `${i.path}: `}${i.message}`).join('; ') : (e as Error).message;
        problems.push(`URL parameter ${key}=${value}: ${issue}; using the scene's value`);
      }
    }
    this.installEvents();
    const seed = state.seed ?? base.seed;
    try {
      await this.loadScene(base, edits, seed, state.speed);
    } catch (e) {
      // The link's combination cannot start (e.g. counts that no longer fit): fall back to the scene as written.
      problems.push(`the link's parameters could not be used: ${(e as Error).message}`);
      await this.loadScene(base, new Map(), base.seed, undefined);
    }
    if (problems.length > 0) this.showMessage(`Some settings in the link were not used:\n${problems.map((p) => `• ${p}`).join('\n')}`);
    this.updateUrl();
    requestAnimationFrame(this.tick);
  }

  // ---- scene loading ----------------------------------------------------

  private presetScene(id: string): Scene {
    const preset = findPreset(id)!;
    return validateScene(preset.input, `scenes/${id}.json`);
  }

  /**
   * Makes `base` with `edits` the current scene and starts it. Everything that
   * can fail is checked before the running simulation is touched, so a bad
   * scene leaves the current run as it was.
   */
  private async loadScene(base: Scene, edits: Map<string, number>, seed: number, speed: number | undefined): Promise<void> {
    const scene = applyEdits(base, edits);
    const model = compileRateModel(scene);
    initialOccupancy(model, seed, 0); // throws SceneError when the ions do not fit
    await this.enqueue(async () => {
      const opened = await openHost(this.engineChoice, scene, seed);
      this.host?.dispose();
      this.host = opened.host;
      this.baseScene = base;
      this.scene = scene;
      this.model = model;
      this.edits = edits;
      this.seed = seed;
      this.setBadge(opened.note);
      this.renderSceneText();
      this.params = editableParams(base, compileRateModel(base));
      this.renderParams();
      this.onStarted(opened.started.info, opened.started.frame);
      this.setSpeed(speed ?? this.defaultSpeed());
    });
  }

  private async loadFile(file: File): Promise<void> {
    try {
      const text = await file.text();
      const base = parseSceneText(text, file.name);
      const packed = await packSceneText(JSON.stringify(JSON.parse(text)));
      await this.loadScene(base, new Map(), base.seed, undefined);
      this.source = { kind: 'file', name: file.name, packed };
      this.ui.picker.value = '';
      this.hideMessage();
      this.updateUrl();
    } catch (e) {
      this.showMessage(`${file.name} was not loaded; the current run goes on.\n${(e as Error).message}`);
    }
  }

  private async selectPreset(id: string): Promise<void> {
    try {
      const base = this.presetScene(id);
      await this.loadScene(base, new Map(), base.seed, undefined);
      this.source = { kind: 'preset', id };
      this.hideMessage();
      this.updateUrl();
    } catch (e) {
      this.showMessage(`The preset ${id} could not be started: ${(e as Error).message}`);
    }
  }

  // ---- running ----------------------------------------------------------

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private onStarted(info: SessionInfo, frame: Frame): void {
    this.generation++;
    this.info = info;
    this.frozen = false;
    this.history.reset(info.ionCounts, info.profileAxis, { names: this.model.speciesNames, labels: this.model.speciesLabels });
    const regionColors = this.scene.regions.map((r, i) => regionColor(r.color, i));
    // The view draws sites on a grid: a honeycomb cell's two sites side by side (a brick wall, same neighbours).
    const [nx, ny, nz] = this.model.size;
    const size: [number, number, number] = [nx * this.model.lattice.basis, ny, nz];
    this.view.setLattice({ dim: this.model.dim, size, siteRegion: this.model.siteRegion, regionColors, speciesColors: this.model.speciesColors }, frame.occupancy);
    renderLegend(this.ui.legend, {
      speciesLabels: this.model.speciesLabels,
      speciesColors: this.model.speciesColors,
      ionCounts: info.ionCounts,
      regions: this.scene.regions.map((r, i) => ({ name: r.name, color: regionColors[i] })),
      outline: this.projector ? PROJECTOR_THEME.outline : LIGHT_THEME.outline,
    });
    this.plots.setRegions({ layerColors: this.layerColors(info.profileAxis, regionColors) });
    this.ui.profileCaption.textContent = `Occupancy profile across ${'xyz'[info.profileAxis]}`;
    this.applyFrame(frame, true);
  }

  private applyFrame(frame: Frame, forcePlots = false): void {
    this.view.setOccupancy(frame.occupancy);
    if (frame.sample) this.history.add(frame.sample);
    this.history.setProfile(frame.profile);
    this.frozen = frame.frozen;
    this.ui.time.textContent = `${formatNumber(frame.time)} s`;
    this.ui.events.textContent = String(frame.events);
    this.ui.events.dataset.events = String(frame.events);
    // Frames drawn from engine data since the page opened (the browser benchmark reads it).
    this.ui.events.dataset.frames = String(++this.framesApplied);
    this.updateRunState();
    const now = performance.now();
    if (forcePlots || !this.playing || now - this.lastPlotDraw > PLOT_INTERVAL_MS) {
      this.lastPlotDraw = now;
      this.plots.update();
      this.renderDStar();
    }
  }

  private readonly tick = (): void => {
    if (this.playing && !this.advancing && this.host) this.advance(Math.round(10 ** this.speedLevel));
    this.view.render();
    requestAnimationFrame(this.tick);
  };

  private advance(events: number): void {
    if (this.advancing || !this.host) return;
    this.advancing = true;
    const generation = this.generation;
    let computeBound = false;
    this.enqueue(async () => {
      const frame = await this.host!.advance(events, FRAME_BUDGET_MS);
      computeBound = frame.advanced < events && !frame.frozen;
      if (generation === this.generation) this.applyFrame(frame);
    })
      .catch((e) => {
        this.setPlaying(false);
        this.showMessage(`The simulation stopped: ${(e as Error).message}`);
      })
      .finally(() => {
        this.advancing = false;
        // The engine could not finish a frame's events in its budget: ask again at once
        // instead of idling until the next animation frame, so it never waits on drawing.
        if (this.pendingSteps > 0 && !this.playing) {
          this.pendingSteps--;
          this.advance(1);
        } else if (computeBound && this.playing && generation === this.generation) this.advance(events);
      });
  }

  private async restart(): Promise<void> {
    if (!this.host) return;
    const host = this.host;
    await this.enqueue(async () => {
      const started = await host.start(this.scene, this.seed);
      this.onStarted(started.info, started.frame);
    }).catch((e) => this.showMessage(`Reset failed: ${(e as Error).message}`));
  }

  private async commitParam(key: string, value: number): Promise<void> {
    const param = this.params.find((p) => p.key === key);
    const next = new Map(this.edits);
    if (param && Math.abs(value - param.base) < 1e-12) next.delete(key);
    else next.set(key, value);
    let scene: Scene;
    try {
      scene = applyEdits(this.baseScene, next);
      if (placementChanged(this.edits, next)) initialOccupancy(compileRateModel(scene), this.seed, 0);
    } catch (e) {
      setParamValue(this.ui.params, key, this.edits.get(key) ?? param?.base ?? value);
      this.showMessage(`That change was not applied; the run goes on unchanged.\n${(e as Error).message}`);
      return;
    }
    const restartPlacement = placementChanged(this.edits, next);
    this.edits = next;
    this.scene = scene;
    this.model = compileRateModel(scene);
    this.updateUrl();
    if (restartPlacement) {
      await this.restart();
      return;
    }
    const host = this.host;
    if (!host) return;
    const generation = this.generation;
    await this.enqueue(async () => {
      const frame = await host.setScene(scene);
      if (generation !== this.generation) return;
      this.history.restart();
      this.applyFrame(frame, true);
    }).catch((e) => this.showMessage(`The change could not be applied: ${(e as Error).message}`));
  }

  // ---- controls ---------------------------------------------------------

  private installEvents(): void {
    const ui = this.ui;
    ui.picker.addEventListener('change', () => {
      if (ui.picker.value) void this.selectPreset(ui.picker.value);
    });
    ui.file.addEventListener('change', () => {
      const f = ui.file.files?.[0];
      if (f) void this.loadFile(f);
      ui.file.value = '';
    });
    ui.play.addEventListener('click', () => this.setPlaying(!this.playing));
    $('step').addEventListener('click', () => this.step());
    $('reset').addEventListener('click', () => void this.restart());
    ui.speed.addEventListener('input', () => this.setSpeed(Number(ui.speed.value)));
    ui.speed.addEventListener('change', () => this.updateUrl());
    ui.seed.addEventListener('change', () => this.commitSeed());
    ui.engine.addEventListener('change', () => this.changeEngine(ui.engine.value as EngineChoice));
    ui.projector.addEventListener('change', () => this.setProjector(ui.projector.checked, true));
    $('help-button').addEventListener('click', () => this.openHelp());
    $('message-close').addEventListener('click', () => this.hideMessage());
    $('restore-defaults').addEventListener('click', () => void this.restoreDefaults());
    $('export-json').addEventListener('click', () => download(`${safeFileStem(this.scene.name)}-seed${this.seed}.json`, sceneFileText(this.scene, this.seed), 'application/json'));
    $('export-csv').addEventListener('click', () =>
      download(`${safeFileStem(this.scene.name)}-observables.csv`, observablesCsv(this.history, { scene: this.scene.name, seed: this.seed, engine: this.host?.engine ?? '' }), 'text/csv'),
    );
    $('export-png').addEventListener('click', () => downloadDataUrl(`${safeFileStem(this.scene.name)}.png`, this.view.toPNG()));
    $('copy-link').addEventListener('click', () => void this.copyLink());
    this.installDrop();
    installShortcuts(document, {
      togglePlay: () => this.setPlaying(!this.playing),
      step: () => this.step(),
      reset: () => void this.restart(),
      faster: () => this.setSpeed(Math.min(SPEED_RANGE.max, this.speedLevel + 0.25), true),
      slower: () => this.setSpeed(Math.max(SPEED_RANGE.min, this.speedLevel - 0.25), true),
      toggleProjector: () => this.setProjector(!this.projector, true),
      help: () => this.openHelp(),
    });
  }

  private installDrop(): void {
    let depth = 0;
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    window.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      this.ui.drop.hidden = false;
    });
    window.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) this.ui.drop.hidden = true;
    });
    window.addEventListener('dragover', (e) => {
      if (hasFiles(e)) e.preventDefault();
    });
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      depth = 0;
      this.ui.drop.hidden = true;
      const f = e.dataTransfer?.files?.[0];
      if (f) void this.loadFile(f);
    });
  }

  private fillPicker(): void {
    const opts = PRESETS.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.input.name)}</option>`);
    this.ui.picker.innerHTML = `${opts.join('')}<option value="" disabled>(scene from a file)</option>`;
  }

  private setPlaying(on: boolean): void {
    this.playing = on && this.host !== null;
    this.ui.play.textContent = this.playing ? 'Pause' : 'Play';
    this.ui.play.setAttribute('aria-pressed', String(this.playing));
    this.updateRunState();
  }

  private step(): void {
    this.setPlaying(false);
    // A step pressed while a frame is still being computed runs right after it.
    if (this.advancing) this.pendingSteps++;
    else this.advance(1);
  }

  private setSpeed(level: number, updateUrl = false): void {
    this.speedLevel = Math.min(SPEED_RANGE.max, Math.max(SPEED_RANGE.min, level));
    this.ui.speed.value = String(this.speedLevel);
    const n = Math.round(10 ** this.speedLevel);
    this.ui.speedOut.textContent = `${n.toLocaleString('en')} event${n === 1 ? '' : 's'} per frame`;
    this.ui.speed.setAttribute('aria-valuetext', this.ui.speedOut.textContent);
    if (updateUrl) this.updateUrl();
  }

  /** About one hop per 16 ions per frame: each ion moves visibly but not in a blur. */
  private defaultSpeed(): number {
    const ions = this.info ? this.info.ionCounts.reduce((a, b) => a + b, 0) : 1;
    return Math.round(4 * Math.log10(Math.max(1, ions / 16))) / 4;
  }

  private commitSeed(): void {
    const n = Number(this.ui.seed.value);
    if (!Number.isInteger(n) || n < 0 || n > 4294967295) {
      this.showMessage(`The seed must be a whole number in [0, 4294967295]; keeping ${this.seed}.`);
      this.ui.seed.value = String(this.seed);
      return;
    }
    this.seed = n;
    this.updateUrl();
    void this.restart();
  }

  private async changeEngine(choice: EngineChoice): Promise<void> {
    if (!(ENGINE_CHOICES as readonly string[]).includes(choice)) return;
    this.engineChoice = choice;
    try {
      await this.loadScene(this.baseScene, this.edits, this.seed, this.speedLevel);
      this.updateUrl();
    } catch (e) {
      this.showMessage(`Could not switch engine: ${(e as Error).message}`);
    }
  }

  private async restoreDefaults(): Promise<void> {
    const seed = this.baseScene.seed;
    try {
      await this.loadScene(this.baseScene, new Map(), seed, this.speedLevel);
      this.updateUrl();
    } catch (e) {
      this.showMessage((e as Error).message);
    }
  }

  private setProjector(on: boolean, updateUrl: boolean): void {
    this.projector = on;
    this.ui.projector.checked = on;
    document.body.classList.toggle('projector', on);
    this.view.setTheme(on ? PROJECTOR_THEME : LIGHT_THEME);
    this.plots.setTheme(on ? PROJECTOR_PLOTS : LIGHT_PLOTS);
    if (this.info) {
      this.plots.update();
      const regionColors = this.scene.regions.map((r, i) => regionColor(r.color, i));
      renderLegend(this.ui.legend, {
        speciesLabels: this.model.speciesLabels,
      speciesColors: this.model.speciesColors,
        ionCounts: this.info.ionCounts,
        regions: this.scene.regions.map((r, i) => ({ name: r.name, color: regionColors[i] })),
        outline: on ? PROJECTOR_THEME.outline : LIGHT_THEME.outline,
      });
    }
    if (updateUrl) this.updateUrl();
  }

  private openHelp(): void {
    if (!this.ui.help.open) this.ui.help.showModal();
  }

  private async copyLink(): Promise<void> {
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      this.showMessage(`Link copied: it reproduces this scene, its parameters and seed.\n${link}`);
    } catch {
      this.showMessage(`Copy this link to share the scene, its parameters and seed:\n${link}`);
    }
  }

  // ---- rendering of text and state --------------------------------------

  private renderSceneText(): void {
    this.ui.sceneName.textContent = this.scene.name;
    renderClassroom(this.ui.classroom, this.scene.classroom, this.scene.description);
    this.ui.description.textContent = this.scene.description || '(no description)';
    this.ui.seed.value = String(this.seed);
  }

  private renderParams(): void {
    renderParams(this.ui.params, this.params, this.edits, {
      regionColors: this.baseScene.regions.map((r, i) => regionColor(r.color, i)),
      onCommit: (key, value) => void this.commitParam(key, value),
    });
  }

  private renderDStar(): void {
    const rows = this.history.latest().map((d) => {
      const value = Number.isFinite(d.dStar) ? `${formatNumber(d.dStar)}${Number.isFinite(d.error) ? ` ± ${formatNumber(d.error)}` : ''} cm²/s` : 'collecting…';
      return `<span class="dstar" data-species="${escapeHtml(d.name)}" data-dstar="${d.dStar}" data-error="${d.error}"><span class="swatch" style="background:${speciesStyle(d.s, this.model.speciesColors[d.s]).color}"></span>${escapeHtml(this.model.speciesLabels[d.s])}: D* = ${value}</span>`;
    });
    this.ui.dStar.innerHTML = rows.join(' &nbsp; ');
  }

  private updateRunState(): void {
    this.ui.runState.textContent = this.frozen ? 'frozen: no hop is possible' : this.playing ? 'running' : 'paused';
  }

  private setBadge(note: string): void {
    const host = this.host!;
    this.ui.badge.textContent = `engine: ${host.label}`;
    this.ui.badge.className = `badge ${host.engine === 'cpu' ? 'cpu' : 'gpu'}`;
    this.ui.badge.dataset.engine = host.engine;
    this.ui.badge.title = note || `The simulation runs on: ${host.label}`;
  }

  private layerColors(axis: 0 | 1 | 2, regionColors: string[]): string[] {
    const [nx, ny] = this.model.size;
    const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
    return Array.from({ length: this.model.size[axis] }, (_, k) => regionColors[this.model.siteRegion[k * stride]]);
  }

  private updateUrl(): void {
    const query = writeUrl({
      scene: this.source.kind === 'preset' ? this.source.id : undefined,
      sceneData: this.source.kind === 'file' ? this.source.packed : undefined,
      seed: this.baseScene && this.seed !== this.baseScene.seed ? this.seed : undefined,
      engine: this.engineChoice,
      speed: this.speedLevel,
      projector: this.projector,
      edits: this.edits,
    });
    history.replaceState(null, '', `${location.pathname}${query}`);
  }

  private showMessage(text: string): void {
    this.ui.messageText.textContent = text;
    this.ui.message.hidden = false;
  }

  private hideMessage(): void {
    this.ui.message.hidden = true;
  }
}
