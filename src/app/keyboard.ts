// Classroom keyboard shortcuts. They never steal keys from a control that uses
// them: typing in a field, arrows on a slider, space or enter on a button.

export interface ShortcutActions {
  togglePlay(): void;
  step(): void;
  reset(): void;
  faster(): void;
  slower(): void;
  toggleProjector(): void;
  help(): void;
}

export function installShortcuts(target: Document, actions: ShortcutActions): void {
  target.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const el = e.target as HTMLElement | null;
    const tag = el?.tagName ?? '';
    const isText = tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && (el as HTMLInputElement).type !== 'range' && (el as HTMLInputElement).type !== 'checkbox');
    if (isText || el?.closest('dialog[open]')) return;
    const onSlider = tag === 'INPUT' && (el as HTMLInputElement).type === 'range';
    const onButtonLike = tag === 'BUTTON' || (tag === 'INPUT' && (el as HTMLInputElement).type === 'checkbox') || tag === 'SUMMARY';
    switch (e.key) {
      case ' ':
        if (onButtonLike) return;
        actions.togglePlay();
        break;
      case 's':
      case 'S':
        actions.step();
        break;
      case 'ArrowRight':
        if (onSlider) return;
        actions.step();
        break;
      case 'r':
      case 'R':
        actions.reset();
        break;
      case '+':
      case '=':
        actions.faster();
        break;
      case '-':
      case '_':
        actions.slower();
        break;
      case 'p':
      case 'P':
        actions.toggleProjector();
        break;
      case '?':
        actions.help();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
}
