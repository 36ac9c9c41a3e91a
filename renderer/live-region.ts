/** The popover's aria-live region: says each sentence once (see isRepeat in announcements.ts). */
import { isRepeat, type Announced } from './announcements.ts';

export type Say = (text: string) => void;

export function liveRegion(element: HTMLElement): Say {
  let last: Announced | undefined;
  return (text) => {
    const at = performance.now();
    if (isRepeat(last, text, at)) return;
    last = { text, at };
    // Clearing first makes a screen reader read the same sentence again.
    element.textContent = '';
    setTimeout(() => {
      element.textContent = text;
    }, 30);
  };
}
