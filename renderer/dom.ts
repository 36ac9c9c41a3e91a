/**
 * A tiny element builder. Text only ever goes in through `textContent` / `append(string)` (text nodes), and
 * attributes through `setAttribute`: nothing the popover shows is parsed as HTML. `onclick` is set as the
 * element's property and `key` kept on the element (not in the DOM), for patch.ts.
 */
import type { Keyed } from './patch.ts';

export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined> & { onclick?: (event: Event) => void };

/** `attrs` as a string is the class alone: h('p', 'note-fix', text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | string | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (typeof attrs === 'string') element.className = attrs;
  else if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') element.onclick = value;
      else if (name === 'key') (element as Keyed).key = String(value);
      else if (name === 'text') element.textContent = String(value);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** Stroke icons (24×24 paths, drawn with currentColor by the stylesheet). */
const ICONS = {
  terminal: 'M4 17l6-6-6-6M12 19h8',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  check: 'M20 6L9 17l-5-5',
  plus: 'M12 5v14M5 12h14',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  users:
    'M16 20v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 18.5V20M10 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM20 20v-1.5a3.5 3.5 0 0 0-2.5-3.3M15.5 4.2a3.5 3.5 0 0 1 0 6.6',
  alert: 'M12 8v5M12 16.5v.5M10.3 3.9L2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
} as const;

export type IconName = keyof typeof ICONS;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** Text in which `backticked` parts are commands: those become <code> elements (still text nodes inside). */
export function withCode(text: string): (string | HTMLElement)[] {
  return text.split('`').map((part, index) => (index % 2 === 1 ? h('code', { text: part }) : part));
}
