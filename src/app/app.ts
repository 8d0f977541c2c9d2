// The app's state and wiring: which scene, which edits, which seed, which
// engine, playing or not. It hands frames to the view and the plots and turns
// user actions into engine requests. It computes no physics itself.
import type { Scene } from '../model/scene/schema';
import { parseSceneText, validateScene, SceneError } from '../model/scene/validate';
import { compileRateModel, type RateModel } from '../model/rateModel';
import { initialOccupancy } from '../model/initialState';
import { LatticeView, LIGHT_THEME, PROJECTOR_THEME, MAX_DRAWN_IONS, type MotionOverlay, type SliceChoice } from '../view/latticeView';
import { regionColor, speciesStyle } from '../view/palette';
import { mutedTint } from '../view/contrast';
import type { PlaneKind } from '../view/planeGeometry';
import type { Frame, SessionInfo } from '../worker/protocol';
import { PRESETS, findPreset, DEFAULT_PRESET_ID } from './presets';
import { applyEdits, editableParams, placementChanged, type EditableParam } from './sceneEdits';
import { readUrl, writeUrl, packSceneText, unpackSceneText, ENGINE_CHOICES, type EngineChoice } from './urlState';
import { clampSpeed, sceneDefaultSpeed, formatDuration, speedRatioText, RateMeter, MAX_EVENTS_PER_FRAME, MAX_FRAME_SECONDS } from './timeSpeed';
import { openHost } from './engineChoice';
import type { SimulationHost } from './simulationHost';
import { ObservableHistory, msdReadout } from './observableHistory';
import { LivePlots, LIGHT_PLOTS, PROJECTOR_PLOTS, formatNumber } from './plots';
import { renderLegend, escapeHtml } from './legend';
import { renderClassroom } from './classroom';
import { renderParams, setParamValue, formatParam } from './paramControls';
import { CrossingCounter } from './crossings';
import { SweepPanel } from './sweepPanel';
import { installShortcuts } from './keyboard';
import { canPlay, runState } from './runState';
import { storedChargeReadout } from './storedCharge';
import { download, downloadDataUrl, exportStem, observablesCsv, sceneFileText, type RunParameters } from './exports';

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
    hopRate: $('hop-rate'),
    speedNote: $('speed-note'),
    step: $<HTMLButtonElement>('step'),
    runState: $('run-state'),
    legend: $('legend'),
    dStar: $('dstar-readout'),
    profileCaption: $('profile-caption'),
    profileFull: $<HTMLInputElement>('profile-full'),
    previousNote: $('previous-note'),
    trails: $<HTMLInputElement>('trails-toggle'),
    density: $<HTMLInputElement>('density-toggle'),
    sliceTools: $('slice-tools'),
    sliceAxis: $<HTMLSelectElement>('slice-axis'),
    sliceIndex: $<HTMLInputElement>('slice-index'),
    sliceIndexField: $('slice-index-field'),
    sliceIndexOut: $<HTMLOutputElement>('slice-index-out'),
    drawCapNote: $('draw-cap-note'),
    exchange: $('exchange'),
    chemistry: $('chemistry'),
    followHint: $('follow-hint'),
    followStop: $<HTMLButtonElement>('follow-stop'),
    canvas: $<HTMLCanvasElement>('view'),
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
  /** log10 of simulated seconds per real second. */
  private speedLevel = 0;
  /** Real time of the last animation frame that asked the engine to advance (ms). */
  private lastTickMs = NaN;
  /** On-screen hops per real second, and simulated seconds per real second actually achieved. */
  private readonly hopMeter = new RateMeter();
  private readonly clockMeter = new RateMeter();
  /** Total hop rate of the current parameters (Hz), from the latest frame. */
  private totalRate = 0;
  private projector = false;
  private playing = false;
  private host: SimulationHost | null = null;
  /** Why no engine could be started for the page (every attempt failed), or null; cleared when one starts. */
  private startError: string | null = null;
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
  private readonly crossings: CrossingCounter;
  private readonly sweep: SweepPanel;
  private lastOccupancy: Uint8Array | null = null;
  /** Ions per species now, as the legend shows them. */
  private population: number[] = [];
  /** The change that ended the run now drawn faded. */
  private previousChange: { key: string; label: string; from: string } | null = null;

  constructor() {
    this.crossings = new CrossingCounter($('crossings'));
    this.sweep = new SweepPanel(
      { axis: $<HTMLSelectElement>('sweep-axis'), plot: $('sweep-plot'), fit: $('sweep-fit'), table: $('sweep-table') },
      (name) => {
        const s = this.model.speciesNames.indexOf(name);
        return { label: this.model.speciesLabels[s] ?? name, color: this.plots.speciesColor(Math.max(0, s)) };
      },
    );
    this.view = new LatticeView($<HTMLCanvasElement>('view'));
    this.plots = new LivePlots({ msd: $('plot-msd'), dStar: $('plot-dstar'), profile: $('plot-profile') }, this.history);
  }

  async boot(): Promise<void> {
    const { state, problems } = readUrl(location.search);
    // Listen before anything is awaited: a Play pressed while the scene and the engine are still loading is kept
    // (setPlaying) and starts the run once the engine is ready, rather than landing on a button with no listener.
    this.installEvents();
    this.fillPicker();
    this.setProjector(state.projector ?? false, false);
    this.engineChoice = state.engine ?? 'auto';
    this.ui.engine.value = this.engineChoice;
    try {
      await this.openFromLink(state, problems);
    } catch (e) {
      // Not even the scene as written starts (the engine refused it, or its worker did not load): nothing runs,
      // and the run state and Play must say so rather than wait for an engine that will not come.
      this.failStart((e as Error).message);
    }
    requestAnimationFrame(this.tick);
  }

  /** Opens the link's scene with its edits, seed and speed, or the scene as written when those cannot start. */
  private async openFromLink(state: ReturnType<typeof readUrl>['state'], problems: string[]): Promise<void> {
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
    this.runPendingStep();
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
      this.setBadge(opened.note, opened.reason);
      // An engine the user picked by name that refused the scene (the GPU engines refuse open faces and chemistry):
      // say so on the page, not only in the badge's tooltip, and say what runs instead.
      if (this.engineChoice !== 'auto' && opened.host.engine !== this.engineChoice && opened.note) {
        this.showMessage(`The ${this.engineChoice} engine was not used: ${opened.note}. Pick "CPU exact" or "automatic" in Engine to hide this note.`);
      }
      this.renderSceneText();
      this.params = editableParams(base, compileRateModel(base));
      this.renderParams();
      this.sweep.setParams(this.params);
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

  /** No engine could be started: say so in the message and the run state, and release a Play pressed while starting. */
  private failStart(reason: string): void {
    this.startError = reason;
    this.showMessage(`ionhop could not start: ${reason}\nPick another scene or open a scene file to try again.`);
    this.setPlaying(false);
    this.ui.play.disabled = true;
    this.ui.step.disabled = true;
    this.pendingSteps = 0;
  }

  private onStarted(info: SessionInfo, frame: Frame): void {
    this.generation++;
    if (this.startError !== null) {
      this.startError = null;
      this.ui.play.disabled = false;
      this.ui.step.disabled = false;
    }
    this.info = info;
    this.frozen = false;
    this.population = [...info.ionCounts];
    this.history.reset(info.possibleSpecies.map((p) => (p ? 1 : 0)), info.profileAxis, { names: this.model.speciesNames, labels: this.model.speciesLabels });
    this.ui.previousNote.hidden = true;
    this.totalRate = frame.totalRate;
    this.hopMeter.clear();
    this.clockMeter.clear();
    this.ui.step.title = `Step: ${info.step.label} (s or →)`;
    this.ui.step.textContent = info.step.kind === 'event' ? 'Step' : 'Step (sweep)';
    this.ui.step.dataset.unit = info.step.kind;
    const regionColors = this.scene.regions.map((r, i) => regionColor(r.color, i));
    this.lastOccupancy = frame.occupancy;
    this.view.clearMotion();
    this.setupSliceTools();
    this.drawLattice();
    this.plots.setSpeciesColors(this.model.speciesColors);
    this.plots.setRegions({ layerColors: this.layerColors(info.profileAxis, regionColors) });
    this.crossings.setRegions(this.model);
    this.ui.profileCaption.textContent = `Occupancy along ${'xyz'[info.profileAxis]}`;
    this.applyFrame(frame, true);
  }

  private applyFrame(frame: Frame, forcePlots = false): void {
    this.view.setOccupancy(frame.occupancy);
    this.lastOccupancy = frame.occupancy;
    this.renderDrawCap();
    this.view.setFollowPath(frame.follow?.path ?? null);
    this.renderFollow(frame.follow);
    this.totalRate = frame.totalRate;
    const nowMs = performance.now();
    this.hopMeter.add(nowMs, frame.events);
    this.clockMeter.add(nowMs, frame.time);
    if (frame.sample) this.history.add(frame.sample);
    this.history.setProfile(frame.profile);
    this.crossings.update(frame.crossings);
    this.renderExchange(frame.exchange);
    this.renderChemistry(frame.chemistry);
    this.updateLegendCounts(frame.population);
    this.frozen = frame.frozen;
    this.ui.time.textContent = `${formatNumber(frame.time)} s`;
    this.ui.events.textContent = frame.events.toLocaleString('en');
    this.ui.events.dataset.events = String(frame.events);
    // Frames drawn from engine data since the page opened (the browser benchmark reads it).
    this.ui.events.dataset.frames = String(++this.framesApplied);
    this.updateRunState();
    this.renderHopRate();
    const now = performance.now();
    if (forcePlots || !this.playing || now - this.lastPlotDraw > PLOT_INTERVAL_MS) {
      this.lastPlotDraw = now;
      this.plots.update();
      this.renderDStar();
    }
  }

  private readonly tick = (nowMs: number): void => {
    if (this.playing && !this.advancing && this.host) {
      // Simulated time owed for the real time since the last request, at the chosen speed.
      const realSeconds = Number.isFinite(this.lastTickMs) ? Math.min(MAX_FRAME_SECONDS, Math.max(0, (nowMs - this.lastTickMs) / 1000)) : 1 / 60;
      this.lastTickMs = nowMs;
      if (realSeconds > 0) this.advance(realSeconds * 10 ** this.speedLevel);
    } else if (!this.playing) {
      this.lastTickMs = NaN;
    }
    this.view.render();
    requestAnimationFrame(this.tick);
  };

  /** Asks for `simSeconds` more simulated time (capped at MAX_EVENTS_PER_FRAME events). */
  private advance(simSeconds: number): void {
    if (this.advancing || !this.host) return;
    this.advancing = true;
    const generation = this.generation;
    this.enqueue(async () => {
      const frame = await this.host!.advance({ simSeconds, events: MAX_EVENTS_PER_FRAME }, FRAME_BUDGET_MS);
      if (generation === this.generation) this.applyFrame(frame);
    })
      .catch((e) => {
        this.setPlaying(false);
        this.showMessage(`The simulation stopped: ${(e as Error).message}`);
      })
      .finally(() => {
        this.advancing = false;
        this.runPendingStep();
      });
  }

  /** A Step pressed while a frame was being computed, or before the engine was ready, runs now. */
  private runPendingStep(): void {
    if (this.pendingSteps > 0 && !this.playing && !this.advancing && this.host) {
      this.pendingSteps--;
      this.stepOnce();
    }
  }

  /** Exactly one event (CPU engine) or one sweep (GPU engines). */
  private stepOnce(): void {
    if (this.advancing || !this.host) return;
    this.advancing = true;
    const generation = this.generation;
    this.enqueue(async () => {
      const frame = await this.host!.step();
      if (generation === this.generation) this.applyFrame(frame, true);
    })
      .catch((e) => this.showMessage(`The step failed: ${(e as Error).message}`))
      .finally(() => {
        this.advancing = false;
        this.runPendingStep();
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
    const fromText = param ? formatParam(param, this.edits.get(key) ?? param.base) : '';
    const toText = param ? formatParam(param, value) : String(value);
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
      this.view.clearMotion();
      // A slider moved key by key makes several short runs: the faded trace stays the run before the first of them.
      if (this.history.restart()) this.previousChange = { key, label: param?.label ?? key, from: fromText };
      else if (this.previousChange && this.previousChange.key !== key) this.previousChange = { key, label: 'several parameters', from: '' };
      const c = this.previousChange;
      this.ui.previousNote.textContent = c && this.history.previous ? `Faded lines: the run before ${c.label}${c.from ? `: ${c.from} → ${toText}` : ' changed'}.` : '';
      this.ui.previousNote.hidden = !this.ui.previousNote.textContent;
      this.applyFrame(frame, true);
    }).catch((e) => this.showMessage(`The change could not be applied: ${(e as Error).message}`));
  }

  // ---- controls ---------------------------------------------------------

  private installEvents(): void {
    const ui = this.ui;
    // index.html disables Play and Step until the page listens, so no early press lands on a dead button.
    ui.play.disabled = false;
    ui.step.disabled = false;
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
    ui.profileFull.addEventListener('change', () => this.plots.setProfileFullRange(ui.profileFull.checked));
    const overlay = (): MotionOverlay => (ui.trails.checked ? 'trails' : ui.density.checked ? 'density' : 'none');
    ui.trails.addEventListener('change', () => {
      if (ui.trails.checked) ui.density.checked = false;
      this.view.setOverlay(overlay());
    });
    ui.density.addEventListener('change', () => {
      if (ui.density.checked) ui.trails.checked = false;
      this.view.setOverlay(overlay());
    });
    ui.sliceAxis.addEventListener('change', () => this.applySlice(true));
    // A click (not a drag, which pans) on an ion follows it.
    let down: { x: number; y: number } | null = null;
    ui.canvas.addEventListener('pointerdown', (e) => (down = { x: e.clientX, y: e.clientY }));
    ui.canvas.addEventListener('pointerup', (e) => {
      if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) < 5) {
        const site = this.view.siteAt(e.clientX, e.clientY);
        if (site !== null && this.lastOccupancy && this.lastOccupancy[site] > 0) void this.follow(site);
      }
      down = null;
    });
    ui.followStop.addEventListener('click', () => void this.follow(null));
    ui.sliceIndex.addEventListener('input', () => this.applySlice(false));
    $('help-button').addEventListener('click', () => this.openHelp());
    $('message-close').addEventListener('click', () => this.hideMessage());
    $('restore-defaults').addEventListener('click', () => void this.restoreDefaults());
    $('export-json').addEventListener('click', () => download(`${exportStem(this.runParameters())}.json`, sceneFileText(this.scene, this.seed), 'application/json'));
    $('export-csv').addEventListener('click', () =>
      download(`${exportStem(this.runParameters())}-observables.csv`, observablesCsv(this.history, this.runParameters()), 'text/csv'),
    );
    $('export-png').addEventListener('click', () => downloadDataUrl(`${exportStem(this.runParameters())}.png`, this.view.toPNG()));
    $('copy-link').addEventListener('click', () => void this.copyLink());
    $('sweep-record').addEventListener('click', () => this.recordSweepPoint());
    $('sweep-clear').addEventListener('click', () => this.sweep.clear());
    $('sweep-export').addEventListener('click', () => download(`${exportStem(this.runParameters())}-sweep.csv`, this.sweep.table.csv(), 'text/csv'));
    this.installDrop();
    installShortcuts(document, {
      togglePlay: () => this.setPlaying(!this.playing),
      step: () => this.step(),
      reset: () => void this.restart(),
      faster: () => this.setSpeed(this.speedLevel + 0.5, true),
      slower: () => this.setSpeed(this.speedLevel - 0.5, true),
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

  /**
   * Play or pause. The wish holds even before the engine exists (the page is still starting it): tick() advances
   * only once a host is there, so a Play pressed right after the page loads runs the engine as soon as it is ready.
   */
  private setPlaying(on: boolean): void {
    // After a failed start there is nothing to run: Play stays up rather than pretend (Space reaches here too).
    this.playing = on && canPlay({ startError: this.startError });
    if (!this.playing) this.host?.interrupt();
    this.ui.play.textContent = this.playing ? 'Pause' : 'Play';
    this.ui.play.setAttribute('aria-pressed', String(this.playing));
    this.updateRunState();
    this.renderHopRate();
  }

  private step(): void {
    this.setPlaying(false);
    if (!canPlay({ startError: this.startError })) return;
    // A step pressed while a frame is still being computed, or while the engine is starting, runs right after.
    if (this.advancing || !this.host) this.pendingSteps++;
    else this.stepOnce();
  }

  private setSpeed(level: number, updateUrl = false): void {
    this.speedLevel = clampSpeed(level);
    this.ui.speed.value = String(this.speedLevel);
    this.ui.speedOut.textContent = speedRatioText(this.speedLevel);
    this.ui.speed.setAttribute('aria-valuetext', `one real second shows ${formatDuration(10 ** this.speedLevel)} of simulated time`);
    this.ui.speedOut.dataset.level = String(this.speedLevel);
    this.hopMeter.clear();
    this.clockMeter.clear();
    if (updateUrl) this.updateUrl();
  }

  /** The scene's own default (sceneDefaultSpeed): its run.time in half a minute when open faces fill it, else a few hops per ion per second. */
  private defaultSpeed(): number {
    if (!this.info) return 0;
    return sceneDefaultSpeed({ model: this.model, runTimeS: this.scene.run.time, ionCounts: this.info.ionCounts, possibleSpecies: this.info.possibleSpecies, totalRateHz: this.totalRate });
  }

  /** Hops per real second on screen, and whether the engine keeps up with the chosen speed. */
  private renderHopRate(): void {
    const hops = this.hopMeter.perSecond();
    const achieved = this.clockMeter.perSecond();
    this.ui.hopRate.textContent = Number.isFinite(hops) && this.playing ? Math.round(hops).toLocaleString('en') : '–';
    this.ui.hopRate.dataset.hopsPerSecond = String(Number.isFinite(hops) && this.playing ? hops : 0);
    const wanted = 10 ** this.speedLevel;
    const lagging = this.playing && Number.isFinite(achieved) && achieved < 0.7 * wanted && !this.frozen;
    this.ui.speedNote.textContent = lagging
      ? `The engine cannot keep up: it shows 1 s = ${formatDuration(achieved)} (at most ${MAX_EVENTS_PER_FRAME.toLocaleString('en')} events per frame).`
      : '';
    this.ui.speedNote.hidden = !lagging;
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
    this.sweep?.setTheme(on ? PROJECTOR_PLOTS : LIGHT_PLOTS);
    if (this.info) {
      this.plots.update();
      this.drawLattice();
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
      const label = escapeHtml(this.model.speciesLabels[d.s]);
      const swatch = `<span class="swatch" style="background:${speciesStyle(d.s, this.model.speciesColors[d.s]).color}"></span>`;
      let text: string;
      if (d.convergence === 'no-hops') text = 'no hops yet';
      else if (d.convergence === 'converging' || !Number.isFinite(d.dStar)) {
        const value = Number.isFinite(d.dStar) ? `≈ ${formatNumber(d.dStar)} cm²/s, ` : '';
        text = `D* ${value}<span class="not-converged">not converged</span> (${escapeHtml(d.notConverged || `${formatNumber(d.hopsPerIon)} hops per ion so far`)})`;
      } else {
        text = `D* = ${formatNumber(d.dStar)} ± ${formatNumber(d.error)} cm²/s`;
      }
      // Along each axis and by the region each ion started in, from the same block pairs as D*, with the same rule.
      const axes = d.convergence !== 'no-hops' && d.dAxes.length > 0
        ? ` <span class="axes">(along ${d.dAxes.map((e, k) => componentText('xyz'[k], e)).join(' · ')})</span>`
        : '';
      const regions = d.dByStartRegion.map((e, r) => (Number.isFinite(e.value) ? componentText(escapeHtml(this.model.regionNames[r]), e) : '')).filter(Boolean);
      const byRegion = d.convergence !== 'no-hops' && this.model.nRegions > 1 && regions.length > 0 ? ` <span class="axes">(started in ${regions.join(' · ')})</span>` : '';
      // H+ made by water and drained at once leaves no ion the MSD curve can follow: say so rather than print NaN.
      const msd = d.convergence !== 'no-hops' && !Number.isFinite(d.msd) ? ` <span class="msd-none" data-msd="none">(MSD: ${msdReadout(d.msd)}: no ion has stayed since the curve began)</span>` : '';
      text += msd;
      return `<span class="dstar" data-species="${escapeHtml(d.name)}" data-dstar="${d.dStar}" data-error="${d.error}" data-convergence="${d.convergence}">${swatch}${label}: ${text}${axes}${byRegion}</span>`;
    });
    this.ui.dStar.innerHTML = rows.join('');
  }

  /** The open faces' counters, net flux ± SE and the stored charge; hidden in a closed scene. */
  private renderExchange(ex: Frame['exchange']): void {
    const host = this.ui.exchange;
    host.hidden = !ex;
    if (!ex) return;
    const S = this.model.nSpecies;
    const label = (s: number) => escapeHtml(this.model.speciesLabels[s]);
    const faces = ex.faceNames.map((face, f) => {
      const rows = [];
      for (let s = 0; s < S; s++) {
        const k = f * S + s;
        if (ex.insertions[k] === 0 && ex.removals[k] === 0 && !this.info?.possibleSpecies[s]) continue;
        const flux = ex.netFlux[k];
        const fluxText = Number.isFinite(flux.value) ? `${formatNumber(flux.value)}${Number.isFinite(flux.se) ? ` ± ${formatNumber(flux.se)}` : ''} /s` : '–';
        rows.push(`<span class="face-species" data-face="${f}" data-species="${escapeHtml(this.model.speciesNames[s])}" data-in="${ex.insertions[k]}" data-out="${ex.removals[k]}" data-flux="${flux.value}" data-flux-se="${flux.se}">${label(s)} in ${ex.insertions[k].toLocaleString('en')} · out ${ex.removals[k].toLocaleString('en')} · net ${fluxText}</span>`);
      }
      return `<span class="face"><span class="face-mark" aria-hidden="true"></span><strong>${escapeHtml(face)}</strong> ${rows.join(' ')}</span>`;
    });
    // Shares of Q only where every species moved charge the way Q points; else each one's own z·ΔN (storedCharge.ts).
    const charge = storedChargeReadout(ex.storedIons, this.model.charge);
    const stored = ex.storedIons
      .map((dn, s) => (dn !== 0 || ex.insertions.some((v, k) => k % S === s && v > 0) ? `${label(s)} ${dn > 0 ? '+' : ''}${dn}${charge.details[s] ? ` (${charge.details[s]})` : ''}` : ''))
      .filter(Boolean);
    // An electrode that starts empty (v2o5-zn-h-costorage and other uptake presets) is the lesson, not a fault: say so
    // first, so an empty lattice after loading reads as "about to fill", with the stored readout right beside it.
    const startedEmpty = this.info !== null && this.info.ionCounts.every((n) => n === 0);
    const emptyStart = startedEmpty
      ? `<span id="empty-start" class="empty-start">The host starts empty: ions enter from the electrolyte through the hatched open face${ex.faceNames.length === 1 ? '' : 's'} and fill it.</span> `
      : '';
    host.innerHTML = `${emptyStart}<span class="label">open faces</span> ${faces.join(' ')} <span id="stored-charge" class="stored" data-charge="${ex.storedChargeE}" data-charge-mode="${charge.mode}" title="${escapeHtml(charge.title)}">stored: ${stored.length > 0 ? stored.join(', ') : 'nothing yet'}; Q = ${ex.storedChargeE > 0 ? '+' : ''}${ex.storedChargeE} e</span>`;
  }

  /** Water dissociation and H+ by origin; hidden without proton chemistry. */
  private renderChemistry(c: Frame['chemistry']): void {
    const host = this.ui.chemistry;
    host.hidden = !c;
    if (!c) return;
    const rx = this.model.waterDissociation;
    const parts: string[] = [];
    if (rx) {
      parts.push(`<span id="surface-oh" data-count="${c.surfaceHydroxide}">${escapeHtml(this.model.speciesLabels[rx.hydroxide])} on the surface: <strong>${c.surfaceHydroxide}</strong> of ${c.surfaceSites} sites</span>`);
      parts.push(`<span id="dissociations" data-count="${c.dissociations}" data-recombinations="${c.recombinations}">water split ${c.dissociations.toLocaleString('en')} · re-formed ${c.recombinations.toLocaleString('en')}</span>`);
      const withSe = (e: { value: number; se: number }) => (Number.isFinite(e.value) ? `${formatNumber(e.value)}${Number.isFinite(e.se) ? ` ± ${formatNumber(e.se)}` : ''}` : 'no data yet');
      const t = c.turnoverPerSiteHz;
      const cov = c.hydroxideCoverage;
      parts.push(`<span id="turnover" data-value="${t.value}" data-se="${t.se}" title="Net water split per surface site and second since the last change, ± SE of 8 batch means">turnover ${withSe(t)} /site/s</span>`);
      parts.push(`<span id="oh-coverage" data-value="${cov.value}" data-se="${cov.se}" title="OH- per surface site, averaged over time since the last change, ± SE of 8 batch means">OH* coverage ${withSe(cov)}</span>`);
    }
    // Lubrication: the share of each lubricated species' hops whose saddle a neighbouring ion lowered.
    for (const s of new Set(this.model.lubrication.map((r) => r.species))) {
      const share = c.hops[s] > 0 ? c.lubricatedHops[s] / c.hops[s] : NaN;
      parts.push(`<span class="lubricated" data-species="${escapeHtml(this.model.speciesNames[s])}" data-share="${share}">${escapeHtml(this.model.speciesLabels[s])} hops lubricated: ${Number.isFinite(share) ? `${(100 * share).toFixed(share > 0.999 && share < 1 ? 2 : 1)} %` : 'no hops yet'} (${c.lubricatedHops[s].toLocaleString('en')} of ${c.hops[s].toLocaleString('en')})</span>`);
    }
    // Ions by where they came from: placed at the start, made from water, or inserted at an open face.
    const origins = ['at start', 'from water', 'inserted'];
    c.storedByOrigin.forEach((row, s) => {
      const shown = row.map((n, k) => (n > 0 ? `${n} ${origins[k]}` : '')).filter(Boolean);
      if (row[1] > 0 || row[2] > 0) parts.push(`<span class="origin" data-species="${escapeHtml(this.model.speciesNames[s])}">${escapeHtml(this.model.speciesLabels[s])}: ${shown.join(', ')}</span>`);
    });
    host.hidden = parts.length === 0;
    host.innerHTML = `<span class="label">chemistry</span> ${parts.join(' ')}`;
    // The parameters the running session got (the same scene object setScene sent), so a test can read them back.
    const reaction = this.scene.reactions[0];
    const surface = reaction && this.scene.regions.find((r) => r.name === reaction.surface[0]);
    host.dataset.ohBinding = String(surface?.species[reaction.hydroxide]?.siteEnergy ?? '');
    host.dataset.catalystShift = String(reaction?.catalyst?.barrierShift ?? '');
  }

  private updateRunState(): void {
    const { kind, text } = runState({ ready: this.host !== null, startError: this.startError, frozen: this.frozen, playing: this.playing });
    this.ui.runState.textContent = text;
    this.ui.runState.dataset.state = kind;
  }

  private setBadge(note: string, reason?: string): void {
    const host = this.host!;
    // A fallback says so on the badge itself (the reason is in its tooltip): e.g. the GPU engines refuse open faces.
    this.ui.badge.textContent = `engine: ${host.label}${note ? ' (fallback)' : ''}`;
    this.ui.badge.dataset.fallback = note ? 'true' : 'false';
    this.ui.badge.className = `badge ${host.engine === 'cpu' ? 'cpu' : 'gpu'}`;
    this.ui.badge.dataset.engine = host.engine;
    this.ui.badge.title = note || reason || `The simulation runs on: ${host.label}`;
  }

  private async follow(site: number | null): Promise<void> {
    const host = this.host;
    if (!host) return;
    const generation = this.generation;
    await this.enqueue(async () => {
      const frame = await host.follow(site);
      if (generation === this.generation) this.applyFrame(frame, true);
    }).catch((e) => this.showMessage(`Could not follow that ion: ${(e as Error).message}`));
  }

  private renderFollow(follow: Frame['follow']): void {
    this.ui.followStop.hidden = !follow;
    const hops = follow ? follow.path.length / 3 - 1 : 0;
    this.ui.followHint.textContent = follow ? `Following ion ${follow.ion}: ${hops} position${hops === 1 ? '' : 's'} since picked` : this.model.dim === 3 && this.ui.sliceAxis.value === '' ? 'Pick a slice, then click an ion to follow it' : 'Click an ion to follow it';
    this.ui.followHint.dataset.ion = follow ? String(follow.ion) : '';
  }

  /** The slice control exists for 3D lattices only; a new lattice starts on the whole view. */
  private setupSliceTools(): void {
    const is3d = this.model.dim === 3;
    this.ui.sliceTools.hidden = !is3d;
    this.ui.sliceAxis.value = '';
    this.ui.sliceIndexField.hidden = true;
    this.view.setSlice(null, this.lastOccupancy ?? new Uint8Array(this.model.nSites));
  }

  private applySlice(axisChanged: boolean): void {
    if (!this.lastOccupancy || this.model.dim !== 3) return;
    const axisValue = this.ui.sliceAxis.value;
    if (axisValue === '') {
      this.ui.sliceIndexField.hidden = true;
      this.view.setSlice(null, this.lastOccupancy);
      this.fitCanvasToDrawing();
      return;
    }
    const axis = Number(axisValue) as 0 | 1 | 2;
    const n = this.model.size[axis];
    if (axisChanged) {
      this.ui.sliceIndex.max = String(n - 1);
      this.ui.sliceIndex.value = String(Math.floor(n / 2));
    }
    const index = Math.min(n - 1, Number(this.ui.sliceIndex.value));
    this.ui.sliceIndexField.hidden = false;
    this.ui.sliceIndexOut.textContent = `${'xyz'[axis]} = ${index}`;
    const slice: SliceChoice = { axis, index };
    this.view.setSlice(slice, this.lastOccupancy);
    this.fitCanvasToDrawing();
  }

  /** Says so when the 3D view draws a sample of the ions rather than all of them. */
  private renderDrawCap(): void {
    const { drawn, total } = this.view.drawnIons;
    const capped = this.model.dim === 3 && this.ui.sliceAxis.value === '' && drawn < total;
    this.ui.drawCapNote.hidden = !capped;
    if (capped) {
      this.ui.drawCapNote.textContent = `Showing ${drawn.toLocaleString('en')} of ${total.toLocaleString('en')} ions (a uniform sample; at most ${MAX_DRAWN_IONS.toLocaleString('en')} per species are drawn so the page stays responsive). Use a slice to see every ion in one plane.`;
    }
    this.ui.drawCapNote.dataset.drawn = String(drawn);
    this.ui.drawCapNote.dataset.total = String(total);
  }

  /** The view's textures index sites on a grid (a honeycomb cell's two sites side by side); planeGeometry.ts places them. */
  private viewGrid(): [number, number, number] {
    const [nx, ny, nz] = this.model.size;
    return [nx * this.model.lattice.basis, ny, nz];
  }

  /** Region shades as the view draws them: the scene's colours muted towards the background, so ions stand out. */
  private regionTints(): string[] {
    const background = (this.projector ? PROJECTOR_THEME : LIGHT_THEME).background;
    return this.scene.regions.map((r, i) => mutedTint(regionColor(r.color, i), background));
  }

  /** (Re)builds the lattice picture and the legend for the current scene and theme. */
  private drawLattice(): void {
    if (!this.info || !this.lastOccupancy) return;
    const tints = this.regionTints();
    this.view.setLattice({ dim: this.model.dim, size: this.viewGrid(), siteRegion: this.model.siteRegion, regionColors: tints, speciesColors: this.model.speciesColors, siteFace: this.model.channels.reservoir?.siteFace, kind: planeKind(this.model.lattice.type), axisScale: axisScale(this.model) }, this.lastOccupancy);
    this.drawLegend();
    this.fitCanvasToDrawing();
  }

  /**
   * Tells the layout the drawing's shape (--lattice-aspect): in projector mode the canvas takes the height the
   * lattice needs to span the stage's width (up to 58 % of the window), so the drawing itself, not only the
   * canvas, covers more than half the width; the plots follow below.
   */
  private fitCanvasToDrawing(): void {
    this.ui.canvas.parentElement?.style.setProperty('--lattice-aspect', this.view.drawingAspect.toFixed(4));
  }

  private drawLegend(): void {
    if (!this.info) return;
    const tints = this.regionTints();
    renderLegend(this.ui.legend, {
      speciesLabels: this.model.speciesLabels,
      speciesColors: this.model.speciesColors,
      ionCounts: this.population.map((n, s) => (n === 0 && this.info!.possibleSpecies[s] ? -1 : n)),
      regions: this.scene.regions.map((r, i) => ({ name: r.name, color: tints[i] })),
      outline: this.projector ? PROJECTOR_THEME.outline : LIGHT_THEME.outline,
    });
  }

  /** Redraws the legend when the number of ions changed (open faces, water dissociation). */
  private updateLegendCounts(population: number[]): void {
    if (population.length === this.population.length && population.every((n, s) => n === this.population[s])) return;
    this.population = [...population];
    this.drawLegend();
  }

  private layerColors(axis: 0 | 1 | 2, regionColors: string[]): string[] {
    const [nx, ny] = this.model.size;
    const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
    return Array.from({ length: this.model.size[axis] }, (_, k) => regionColors[this.model.siteRegion[k * stride * this.model.lattice.basis]]);
  }

  /** Appends the current parameters and D* ± SE of every species to the sweep table. */
  private recordSweepPoint(): void {
    const params: Record<string, number> = {};
    for (const p of this.params) params[p.key] = this.edits.get(p.key) ?? p.base;
    const latest = this.history.latest();
    this.sweep.record({
      params,
      seed: this.seed,
      engine: this.host?.engine ?? '',
      timeS: latest[0]?.time ?? 0,
      species: latest.map((d) => ({ name: d.name, dStar: d.dStar, se: d.error, convergence: d.convergence, hopsPerIon: d.hopsPerIon })),
    });
  }

  private runParameters(): RunParameters {
    return { scene: this.scene, model: this.model, seed: this.seed, engine: this.host?.engine ?? '' };
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

/** How the 2D view places sites: triangular and honeycomb lattices at their true positions, the rest on a grid. */
function planeKind(type: string): PlaneKind {
  return type === 'triangular' || type === 'honeycomb' ? type : 'grid';
}

/** Site step along x, y, z relative to x (a layered lattice's interlayer axis is c/a long). */
function axisScale(model: RateModel): [number, number, number] {
  const [lx, ly, lz] = model.lattice.layerSpacing;
  return [1, ly / lx, model.dim === 3 ? lz / lx : 1];
}

/** One component of D (an axis, or the ions of one region) with its error bar once converged, as D* is shown. */
function componentText(name: string, e: { value: number; se: number; convergence: string }): string {
  const attrs = `class="component" data-name="${name}" data-d="${e.value}" data-se="${e.se}" data-convergence="${e.convergence}"`;
  if (e.convergence === 'no-hops') return `<span ${attrs}>${name}: no hops</span>`;
  if (e.convergence !== 'converged' || !Number.isFinite(e.value)) {
    return `<span ${attrs}>${name}: ${Number.isFinite(e.value) ? `≈ ${formatNumber(e.value)}, ` : ''}<span class="not-converged">not converged</span></span>`;
  }
  return `<span ${attrs}>${name}: ${formatNumber(e.value)} ± ${formatNumber(e.se)}</span>`;
}
