/**
 * The popover's preload (bundled to CommonJS: a sandboxed preload cannot be an ES module). It exposes one
 * typed object, `window.pairbar`, and nothing else: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, type PairbarApi, type Snapshot } from '../contract.ts';

const api: PairbarApi = {
  getState: () => ipcRenderer.invoke(CHANNELS.getState),
  refresh: () => ipcRenderer.invoke(CHANNELS.refresh),
  // Only the arguments given are sent: the handlers (ipc/) refuse a call with more than a channel takes.
  share: (...args) => ipcRenderer.invoke(CHANNELS.share, ...args),
  rotate: (shareId) => ipcRenderer.invoke(CHANNELS.rotate, shareId),
  keyboard: (shareId, canType) => ipcRenderer.invoke(CHANNELS.keyboard, shareId, canType),
  readServer: (input) => ipcRenderer.invoke(CHANNELS.readServer, input),
  testServer: (server) => ipcRenderer.invoke(CHANNELS.testServer, server),
  saveServer: (profile) => ipcRenderer.invoke(CHANNELS.saveServer, profile),
  useServer: (name) => ipcRenderer.invoke(CHANNELS.useServer, name),
  removeServer: (name) => ipcRenderer.invoke(CHANNELS.removeServer, name),
  stop: (shareId) => ipcRenderer.invoke(CHANNELS.stop, shareId),
  copy: (linkKind, shareId) => ipcRenderer.invoke(CHANNELS.copy, linkKind, shareId),
  copyCommand: (problem) => ipcRenderer.invoke(CHANNELS.copyCommand, problem),
  setPref: (key, value) => ipcRenderer.invoke(CHANNELS.setPref, key, value),
  hide: () => ipcRenderer.invoke(CHANNELS.hide),
  onState(callback) {
    // The event object carries the sender; the page gets only the snapshot.
    const listener = (_event: IpcRendererEvent, snapshot: Snapshot) => callback(snapshot);
    ipcRenderer.on(CHANNELS.state, listener);
    return () => {
      ipcRenderer.removeListener(CHANNELS.state, listener);
    };
  },
};

contextBridge.exposeInMainWorld('pairbar', api);
