// Entry point of the browser app.
import './styles.css';
import { App } from './app';

function fatal(e: unknown): void {
  const box = document.getElementById('message');
  const text = document.getElementById('message-text');
  if (box && text) {
    text.textContent = `ionhop could not start: ${e instanceof Error ? e.message : String(e)}`;
    box.hidden = false;
  }
  console.error(e);
}

try {
  new App().boot().catch(fatal);
} catch (e) {
  fatal(e);
}
