// Sliders for the editable parameters (temperature, barriers, ion counts), each
// labelled, keyboard-operable, showing its value and unit.
import type { EditableParam } from './sceneEdits';
import { escapeHtml } from './legend';

export interface ParamControlsOptions {
  /** Region colours, for the swatch beside a region's barrier. */
  regionColors: readonly string[];
  /** Called when the user commits a value (slider released or key pressed). */
  onCommit: (key: string, value: number) => void;
}

export function formatParam(p: EditableParam, v: number): string {
  if (p.kind === 'count') return String(Math.round(v));
  if (p.kind === 'temperature') return `${Math.round(v)} K`;
  if (p.kind === 'switch') return v !== 0 ? 'on' : 'off';
  return `${v.toFixed(2)} eV`;
}

export function renderParams(host: HTMLElement, params: readonly EditableParam[], values: ReadonlyMap<string, number>, options: ParamControlsOptions): void {
  host.innerHTML = '';
  params.forEach((p, idx) => {
    const id = `param-${idx}`;
    const value = values.get(p.key) ?? p.base;
    const wrap = document.createElement('div');
    wrap.className = 'field';
    const swatch = p.region >= 0 ? `<span class="swatch" style="background:${escapeHtml(options.regionColors[p.region] ?? '#888')}"></span>` : '';
    const note = p.restartsPlacement ? '<span class="restart-note"> · change places the ions anew</span>' : '';
    wrap.innerHTML = `<label class="param-label" for="${id}"><span>${swatch}${escapeHtml(p.label)}${note}</span><output id="${id}-out" for="${id}"></output></label>`;
    const input = document.createElement('input');
    if (p.kind === 'switch') {
      // An on/off parameter is a checkbox: a two-stop slider would hide which end is "on".
      input.type = 'checkbox';
      input.id = id;
      input.dataset.key = p.key;
      input.checked = value !== 0;
      const out = wrap.querySelector('output')!;
      const show = () => { out.textContent = formatParam(p, input.checked ? 1 : 0); };
      show();
      input.addEventListener('change', () => {
        show();
        options.onCommit(p.key, input.checked ? 1 : 0);
      });
      wrap.append(input);
      host.append(wrap);
      return;
    }
    input.type = 'range';
    input.id = id;
    input.dataset.key = p.key;
    input.min = String(Math.min(p.min, value));
    input.max = String(Math.max(p.max, value));
    input.step = String(p.step);
    input.value = String(value);
    const out = wrap.querySelector('output')!;
    const show = () => {
      out.textContent = formatParam(p, Number(input.value));
      input.setAttribute('aria-valuetext', out.textContent);
    };
    show();
    input.addEventListener('input', show);
    input.addEventListener('change', () => options.onCommit(p.key, Number(input.value)));
    wrap.append(input);
    host.append(wrap);
  });
}

/** Puts a slider back to a value (after a rejected edit). */
export function setParamValue(host: HTMLElement, key: string, value: number): void {
  const input = [...host.querySelectorAll<HTMLInputElement>('input[data-key]')].find((i) => i.dataset.key === key);
  if (!input) return;
  if (input.type === 'checkbox') {
    input.checked = value !== 0;
    const out = host.querySelector<HTMLOutputElement>(`#${input.id}-out`);
    if (out) out.textContent = value !== 0 ? 'on' : 'off';
    return;
  }
  input.value = String(value);
  input.dispatchEvent(new Event('input'));
}
