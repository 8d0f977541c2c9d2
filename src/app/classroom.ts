// The preset's teaching text (scene.classroom) laid out as its four parts:
// what to look at, what to change, what should happen, and why.
import { escapeHtml } from './legend';

const HEADINGS = ['Look at', 'Change', 'What should happen', 'Why'];

export function renderClassroom(host: HTMLElement, text: string | undefined, description: string): void {
  if (!text) {
    host.innerHTML = `<p>${escapeHtml(firstSentences(description, 2) || 'This scene has no classroom notes.')}</p>`;
    return;
  }
  const pattern = new RegExp(`(${HEADINGS.join('|')}):`, 'g');
  const parts: { heading: string; body: string }[] = [];
  let last = 0;
  let heading = '';
  for (const m of text.matchAll(pattern)) {
    const body = text.slice(last, m.index).trim();
    if (body || heading) parts.push({ heading, body });
    heading = m[1];
    last = m.index! + m[0].length;
  }
  parts.push({ heading, body: text.slice(last).trim() });
  host.innerHTML = parts
    .filter((p) => p.body)
    .map((p) => `<p>${p.heading ? `<strong>${escapeHtml(p.heading)}:</strong> ` : ''}${escapeHtml(p.body)}</p>`)
    .join('');
}

function firstSentences(text: string, n: number): string {
  const sentences = text.match(/[^.!?]+[.!?]+/g) ?? [text];
  return sentences.slice(0, n).join(' ').trim();
}
