// Entry point of the browser app.
import './styles.css';
import { App } from './app';
import { runState } from './runState';

function fatal(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  const box = document.getElementById('message');
  const text = document.getElementById('message-text');
  if (box && text) {
    text.textContent = `ionhop could not start: ${message}`;
    box.hidden = false;
  }
  // The run state must not go on saying 'starting…' under the error (Play and Step stay disabled, as index.html has them).
  const state = document.getElementById('run-state');
  if (state) {
    const failed = runState({ ready: false, startError: message, frozen: false, playing: false });
    state.textContent = failed.text;
    state.dataset.state = failed.kind;
  }
  console.error(e);
}

try {
  new App().boot().catch(fatal);
} catch (e) {
  fatal(e);
}
