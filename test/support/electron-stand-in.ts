/**
 * What the real preload (main/preload.ts) imports from 'electron', for the ui tests in Chromium. The harness
 * bundles the preload with `electron` resolved to this file and injects it into the page before the page's
 * own scripts run.
 *
 * - `contextBridge.exposeInMainWorld(name, api)` sets a frozen, read-only `window[name]`.
 * - `ipcRenderer.invoke(channel, ...args)` sends `{ channel, args }` as JSON (standing in for Electron's
 *   structured clone: functions and class instances don't survive) to the `__pairbarInvoke` binding, which
 *   calls the real handler registered by the real `registerIpc`. A handler that throws rejects the promise,
 *   with the message Electron gives.
 * - `ipcRenderer.on(channel, listener)` receives what the harness delivers through `__pairbarDeliver`
 *   (standing in for `webContents.send`), with an event object first, as in Electron.
 *
 * Unlike Electron, this runs in the page's own world (there is no isolated world here), so the two
 * `__pairbar*` globals are visible to the page; they exist only in tests.
 */

export interface IpcRendererEvent {
  sender: unknown;
  senderId: number;
  ports: unknown[];
}

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void;

interface InvokeReply {
  ok: boolean;
  value?: unknown;
  message?: string;
}

declare global {
  interface Window {
    __pairbarInvoke?: (request: string) => Promise<string>;
    __pairbarDeliver?: (channel: string, payload: string) => void;
  }
}

// Taken now, before any page script runs, so the page can't swap the binding out from under the preload.
const binding = window.__pairbarInvoke;
const listeners = new Map<string, Set<Listener>>();

export const ipcRenderer = {
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    if (!binding) throw new Error(`Error invoking remote method '${channel}': no IPC binding in this frame`);
    const reply = JSON.parse(await binding(JSON.stringify({ channel, args }))) as InvokeReply;
    if (!reply.ok) throw new Error(`Error invoking remote method '${channel}': ${reply.message ?? 'failed'}`);
    return reply.value;
  },
  on(channel: string, listener: Listener) {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
    return ipcRenderer;
  },
  removeListener(channel: string, listener: Listener) {
    listeners.get(channel)?.delete(listener);
    return ipcRenderer;
  },
};

Object.defineProperty(window, '__pairbarDeliver', {
  value: (channel: string, payload: string) => {
    const args = JSON.parse(payload) as unknown[];
    const event: IpcRendererEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
    for (const listener of listeners.get(channel) ?? []) listener(event, ...args);
  },
  enumerable: false,
  writable: false,
  configurable: false,
});

export const contextBridge = {
  exposeInMainWorld(name: string, api: Record<string, unknown>) {
    Object.defineProperty(window, name, {
      value: Object.freeze({ ...api }),
      enumerable: true,
      writable: false,
      configurable: false,
    });
  },
};
