/**
 * Whether a key combination is one Electron can register as a global shortcut (the `shortcut.copyLink`
 * preference): the preferences refuse any other value when it is set, and the shortcut checks it again
 * before registering it. Pure: the preferences' schema and the CLI use it without Electron.
 */

const MODIFIERS = new Set(
  [
    'Command',
    'Cmd',
    'Control',
    'Ctrl',
    'CommandOrControl',
    'CmdOrCtrl',
    'Alt',
    'Option',
    'AltGr',
    'Shift',
    'Super',
    'Meta',
  ].map((name) => name.toLowerCase()),
);
/** Modifiers that make a key combination nobody types by accident: Shift alone does not. */
const STRONG_MODIFIERS = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'super',
  'meta',
]);
const NAMED_KEYS = new Set(
  [
    'Plus',
    'Space',
    'Tab',
    'Capslock',
    'Numlock',
    'Scrolllock',
    'Backspace',
    'Delete',
    'Insert',
    'Return',
    'Enter',
    'Up',
    'Down',
    'Left',
    'Right',
    'Home',
    'End',
    'PageUp',
    'PageDown',
    'Escape',
    'Esc',
    'PrintScreen',
    'num0',
    'num1',
    'num2',
    'num3',
    'num4',
    'num5',
    'num6',
    'num7',
    'num8',
    'num9',
    'numdec',
    'numadd',
    'numsub',
    'nummult',
    'numdiv',
  ].map((name) => name.toLowerCase()),
);
const SINGLE_KEY = /^[A-Za-z0-9)!@#$%^&*(:;<=>,_.?/~`{}|[\]\\'"-]$/;

/**
 * Checks an accelerator the way Electron reads one (modifiers joined by `+`, then one key), and asks for at
 * least one modifier other than Shift: a shortcut taken from every application must not be a plain key.
 * Returns why it is not usable, or undefined.
 */
export function acceleratorProblem(value: string): string | undefined {
  const parts = value.split('+');
  // "Ctrl++" names the plus key; Electron spells it Plus.
  if (parts.some((part) => part === ''))
    return 'write the + key as Plus, and no empty parts (such as CommandOrControl+Shift+L)';
  const key = parts.at(-1) ?? '';
  const modifiers = parts.slice(0, -1).map((part) => part.toLowerCase());
  const unknown = modifiers.find((modifier) => !MODIFIERS.has(modifier));
  if (unknown !== undefined)
    return `${JSON.stringify(unknown)} is not a modifier (CommandOrControl, Alt, Shift, Super…)`;
  if (new Set(modifiers).size !== modifiers.length) return 'a modifier appears twice';
  if (!modifiers.some((modifier) => STRONG_MODIFIERS.has(modifier)))
    return 'needs CommandOrControl, Alt or Super: it would take a plain key from every application';
  if (!(SINGLE_KEY.test(key) || NAMED_KEYS.has(key.toLowerCase()) || /^F([1-9]|1\d|2[0-4])$/i.test(key))) {
    return `${JSON.stringify(key)} is not a key Electron knows (a letter, a digit, F1–F24, Space, Up…)`;
  }
  return undefined;
}
