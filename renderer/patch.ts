/**
 * Patching in place. A screen draws its elements afresh with h() on every change; `patch` then makes the
 * elements on screen match them, changing only what differs. An element on screen stays the same node as
 * long as its tag and key match (below), so what the person is doing elsewhere — focus, hover, a text
 * selection, the scroll position — survives a change to another card, and a note that a screen reader
 * already read (role="alert") is not inserted, and so not read, again. A node whose text and attributes are
 * unchanged is not touched at all.
 *
 * A key says which element is which among its siblings: h()'s `key`, else its data-group (a card or a row),
 * data-key (a control), data-kind (a link) or data-problem (a note). Elements without one are matched by tag,
 * in order. Form fields' live values are not patched: the screens with fields are built once (app.ts).
 */

const KEY_ATTRIBUTES = ['data-group', 'data-key', 'data-kind', 'data-problem'];
/** The event handlers h() sets (as properties, so that patching can hand the newest ones over). */
export const HANDLERS = ['onclick'] as const;

export type Keyed = Element & { key?: string };

function keyOf(node: Node): string | null | undefined {
  if (!(node instanceof Element)) return undefined;
  return (node as Keyed).key ?? KEY_ATTRIBUTES.map((name) => node.getAttribute(name)).find((value) => value !== null);
}

/** Makes `parent`'s children match `next` (fresh nodes, which are used where nothing on screen matches). */
export function patch(parent: Element, next: readonly Node[]): void {
  const old: Node[] = [...parent.childNodes];
  const used = new Set<Node>();
  const wanted = next.map((node) => {
    if (old.includes(node)) {
      // A node the screen keeps for itself (a field with what was typed in it) is passed as it is.
      used.add(node);
      return node;
    }
    const key = keyOf(node);
    const match = old.find(
      (candidate) => !used.has(candidate) && candidate.nodeName === node.nodeName && keyOf(candidate) === key,
    );
    if (!match) return node;
    used.add(match);
    update(match, node);
    return match;
  });
  // Removed first, so that what stays is moved only when the order itself changed (a move drops focus).
  for (const node of old) if (!used.has(node)) parent.removeChild(node);
  wanted.forEach((node, index) => {
    const at = parent.childNodes[index];
    if (at !== node) parent.insertBefore(node, at ?? null);
  });
}

function update(node: Node, next: Node): void {
  if (!(node instanceof Element && next instanceof Element)) {
    if (node.nodeValue !== next.nodeValue) node.nodeValue = next.nodeValue;
    return;
  }
  for (const { name } of [...node.attributes]) if (!next.hasAttribute(name)) node.removeAttribute(name);
  for (const { name, value } of next.attributes) if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  // The handler drawn last acts on the newest state (a Retry's failure, a card's share).
  for (const name of HANDLERS) (node as HTMLElement)[name] = (next as HTMLElement)[name];
  patch(node, [...next.childNodes]);
}
