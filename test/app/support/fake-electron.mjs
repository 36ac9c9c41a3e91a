// A stand-in for the `electron` module in the MAIN process, for running the real dist/main.js in plain
// Node where Electron's binary can't be had. It implements the part of Electron's main-process API that
// Pairbar uses, with Electron's event shapes, and records what the app does with it in
// `globalThis.fakeElectron` (calls, trays, windows, ipc handlers, notifications, dialogs, clipboard).
// It draws nothing: it checks the wiring of the composition root, not Electron.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const record = {
  calls: [],
  trays: [],
  windows: [],
  handlers: new Map(),
  listeners: new Map(),
  notifications: [],
  dialogs: [],
  /** Responses the next showMessageBox calls give (button index); 0 when empty. */
  dialogResponses: [],
  clipboard: [],
  quitted: false,
  /** Whether app.whenReady() has resolved. */
  ready: false,
  /** Menu.setApplicationMenu: { menu, beforeReady } once called; undefined until then. */
  applicationMenu: undefined,
  /** What was set on session.defaultSession: the permission handlers by name. */
  sessionHandlers: {},
  /** What app.setLoginItemSettings was last given (Electron keeps it in the system's login items). */
  loginItem: { openAtLogin: false },
  /** Registered global shortcuts: accelerator → callback. */
  shortcuts: new Map(),
  /** Accelerators another application holds: register() refuses them, as Electron's does. */
  takenShortcuts: (process.env.FAKE_ELECTRON_TAKEN_SHORTCUTS ?? '').split(',').filter(Boolean),
};
globalThis.fakeElectron = record;

const log = (what, detail = {}) => record.calls.push({ what, ...detail });

export function makeEvent(extra = {}) {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
    ...extra,
  };
}

class App extends EventEmitter {
  /** Run from a packaged app.asar (FAKE_ELECTRON_PACKAGED=1) or from the checkout (npm start). */
  isPackaged = process.env.FAKE_ELECTRON_PACKAGED === '1';
  dock = process.platform === 'darwin' ? { hide: () => log('dock.hide') } : undefined;

  requestSingleInstanceLock() {
    log('requestSingleInstanceLock');
    return process.env.FAKE_ELECTRON_LOCKED !== '1';
  }
  enableSandbox() {
    log('enableSandbox');
  }
  whenReady() {
    return new Promise((resolve) =>
      setImmediate(() => {
        record.ready = true;
        resolve();
      }),
    );
  }
  getPath(name) {
    return join(process.env.FAKE_ELECTRON_USER_DATA || tmpdir(), name);
  }
  getVersion() {
    return '0.0.0-fake';
  }
  getAppPath() {
    return process.cwd();
  }
  focus(options) {
    log('focus', { options });
  }
  quit() {
    log('quit');
    const event = makeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    const willQuit = makeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    record.quitted = true;
    this.emit('quit', makeEvent(), 0);
    log('quitted');
  }
  exit(code) {
    log('exit', { code });
    record.quitted = true;
  }
  setLoginItemSettings(settings) {
    log('setLoginItemSettings', { settings: JSON.parse(JSON.stringify(settings)) });
    record.loginItem = { ...record.loginItem, ...settings };
  }
  getLoginItemSettings() {
    return { ...record.loginItem };
  }
}
export const app = new App();

class NativeImage {
  constructor(path) {
    this.path = path;
    this.exists = existsSync(path);
    this.template = false;
  }
  setTemplateImage(value) {
    this.template = value;
  }
  isEmpty() {
    return !this.exists;
  }
}
export const nativeImage = {
  createFromPath: (path) => new NativeImage(path),
  createEmpty: () => new NativeImage(''),
};

export class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    this.tooltip = '';
    this.title = '';
    this.contextMenu = null;
    record.trays.push(this);
    log('new Tray', { image: image.path });
  }
  setImage(image) {
    this.image = image;
  }
  setToolTip(text) {
    this.tooltip = text;
  }
  setTitle(text) {
    this.title = text;
  }
  setContextMenu(menu) {
    this.contextMenu = menu;
  }
  popUpContextMenu(menu) {
    log('popUpContextMenu', { labels: menu?.template?.map((item) => item.label) });
  }
  setIgnoreDoubleClickEvents() {}
  getBounds() {
    return { x: 0, y: 0, width: 0, height: 0 };
  }
  isDestroyed() {
    return false;
  }
}

export const Menu = {
  buildFromTemplate(template) {
    return { template };
  },
  setApplicationMenu(menu) {
    record.applicationMenu = {
      menu: menu === null ? null : JSON.parse(JSON.stringify(menu)),
      beforeReady: !record.ready,
    };
  },
  getApplicationMenu() {
    return record.applicationMenu?.menu ?? null;
  },
};

class WebContents extends EventEmitter {
  static nextId = 1;
  constructor() {
    super();
    this.id = WebContents.nextId++;
    this.sent = [];
    this.executed = [];
    this.windowOpenHandler = null;
    this.mainFrame = { url: '', parent: null };
  }
  send(channel, ...args) {
    this.sent.push({ channel, args: JSON.parse(JSON.stringify(args)) });
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  executeJavaScript(code) {
    this.executed.push(code);
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isLoading() {
    return false;
  }
  isDevToolsOpened() {
    return this.devToolsOpen === true;
  }
  /** As Electron does, unless the window's webPreferences say devTools: false. */
  openDevTools() {
    if (this.webPreferences?.devTools === false) return;
    this.devToolsOpen = true;
    this.emit('devtools-opened');
  }
  closeDevTools() {
    if (!this.devToolsOpen) return;
    this.devToolsOpen = false;
    this.emit('devtools-closed');
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.webContents.webPreferences = options.webPreferences ?? {};
    this.visible = false;
    this.bounds = { x: 0, y: 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.loaded = null;
    this.shows = 0;
    record.windows.push(this);
    log('new BrowserWindow', { options: JSON.parse(JSON.stringify(options)) });
    app.emit('web-contents-created', makeEvent(), this.webContents);
  }
  loadFile(path) {
    this.loaded = path;
    this.webContents.mainFrame.url = new URL(`file://${path}`).href;
    log('loadFile', { path });
    return new Promise((resolve) => setImmediate(resolve));
  }
  setVisibleOnAllWorkspaces() {}
  setBounds(bounds) {
    this.bounds = { ...this.bounds, ...bounds };
  }
  getBounds() {
    return this.bounds;
  }
  show() {
    this.visible = true;
    this.shows += 1;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {}
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return false;
  }
}

export const ipcMain = {
  handle(channel, listener) {
    if (record.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    record.handlers.set(channel, listener);
  },
  removeHandler(channel) {
    record.handlers.delete(channel);
  },
  on(channel, listener) {
    record.listeners.set(channel, listener);
    return ipcMain;
  },
};

export const globalShortcut = {
  register(accelerator, callback) {
    log('globalShortcut.register', { accelerator });
    if (record.takenShortcuts.includes(accelerator) || record.shortcuts.has(accelerator)) return false;
    record.shortcuts.set(accelerator, callback);
    return true;
  },
  unregister(accelerator) {
    log('globalShortcut.unregister', { accelerator });
    record.shortcuts.delete(accelerator);
  },
  unregisterAll() {
    record.shortcuts.clear();
  },
  isRegistered(accelerator) {
    return record.shortcuts.has(accelerator);
  },
  /** Test helper (not Electron's): the user presses the keys. */
  press(accelerator) {
    const callback = record.shortcuts.get(accelerator);
    if (!callback) throw new Error(`no global shortcut ${accelerator} is registered`);
    callback();
  },
};

export const clipboard = {
  writeText(text) {
    record.clipboard.push(text);
  },
};

export const dialog = {
  async showMessageBox(options) {
    record.dialogs.push(JSON.parse(JSON.stringify(options)));
    return { response: record.dialogResponses.shift() ?? 0, checkboxChecked: false };
  },
  showErrorBox(title, content) {
    record.dialogs.push({ title, content });
  },
};

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    record.notifications.push({ title: this.options.title, body: this.options.body });
  }
}

const display = {
  id: 1,
  workArea: { x: 0, y: 27, width: 1920, height: 1053 },
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  scaleFactor: 1,
};
export const screen = {
  getDisplayMatching: () => display,
  getDisplayNearestPoint: () => display,
  getCursorScreenPoint: () => ({ x: 100, y: 100 }),
  getPrimaryDisplay: () => display,
};

export const shell = {
  openPath: async () => '',
  openExternal: async () => undefined,
};

const defaultSession = {
  webRequest: { onHeadersReceived() {} },
  setPermissionRequestHandler(handler) {
    record.sessionHandlers.permissionRequest = handler;
  },
  setPermissionCheckHandler(handler) {
    record.sessionHandlers.permissionCheck = handler;
  },
  setDevicePermissionHandler(handler) {
    record.sessionHandlers.devicePermission = handler;
  },
  setDisplayMediaRequestHandler(handler) {
    record.sessionHandlers.displayMediaRequest = handler;
  },
};
export const session = {
  // As in Electron: the default session exists only once the app is ready.
  get defaultSession() {
    if (!record.ready) throw new Error('session.defaultSession can only be used after the app is ready');
    return defaultSession;
  },
};

export default {
  app,
  nativeImage,
  Tray,
  Menu,
  BrowserWindow,
  ipcMain,
  globalShortcut,
  clipboard,
  dialog,
  Notification,
  screen,
  shell,
  session,
};
