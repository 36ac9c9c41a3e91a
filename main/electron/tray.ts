/**
 * The tray icon in Electron: the image, title and tooltip for each snapshot's state, the menu built from
 * app/tray.ts's pure template, and the clicks each platform sends. What to show is decided in app/tray.ts; this file
 * only hands it to Electron's Tray and Menu, which come in as parameters (types only are imported).
 */
import type {
  Menu as MenuType,
  MenuItemConstructorOptions,
  NativeImage,
  nativeImage as NativeImageModule,
  Rectangle,
  Tray as TrayType,
} from 'electron';
import { join } from 'node:path';
import type { Snapshot } from '../contract.ts';
import {
  buildTrayMenu,
  trayIconFile,
  trayState,
  type TrayAction,
  type TrayMenuItem,
  type TrayState,
  type TrayStateName,
} from '../app/tray.ts';
import { nextTimeLeftChange } from '../core/time-left.ts';

export interface TrayControllerDeps {
  Tray: typeof TrayType;
  Menu: Pick<typeof MenuType, 'buildFromTemplate'>;
  nativeImage: Pick<typeof NativeImageModule, 'createFromPath'>;
  platform: NodeJS.Platform;
  /** The folder holding the tray-*.png icons. */
  assets: string;
  run(action: TrayAction): Promise<void>;
  /** A left click (macOS, Windows). */
  onClick(): void;
  /** A right click (macOS, Windows), before any menu shows: the app refreshes the sessions then. */
  onRightClick(): void;
}

/** What the tray shows now, as app/tray.ts computed it for the last snapshot. */
export interface TrayShown {
  state: TrayState;
  menu: TrayMenuItem[];
  /** The icon's file name under assets/. */
  icon: string;
}

export interface TrayController {
  update(snapshot: Snapshot): void;
  bounds(): Rectangle;
  shown(): TrayShown;
}

export function createTrayController(deps: TrayControllerDeps, initial: Snapshot): TrayController {
  const { platform } = deps;
  const images = new Map<TrayStateName, NativeImage>();
  const image = (name: TrayStateName): NativeImage => {
    let found = images.get(name);
    if (!found) {
      found = deps.nativeImage.createFromPath(join(deps.assets, trayIconFile(name, platform)));
      if (platform === 'darwin') found.setTemplateImage(true);
      images.set(name, found);
    }
    return found;
  };

  const tray = new deps.Tray(image('idle'));
  let shownIcon: TrayStateName = 'idle';
  let shown: TrayShown;
  let menu: MenuType = deps.Menu.buildFromTemplate([]);

  const toElectronMenu = (items: TrayMenuItem[]): MenuItemConstructorOptions[] =>
    items.map(({ action, submenu, ...item }) => ({
      ...item,
      ...(submenu ? { submenu: toElectronMenu(submenu) } : {}),
      ...(action
        ? {
            click: () =>
              void deps.run(action).catch((error: unknown) => console.error(`Pairbar: ${action.kind} failed:`, error)),
          }
        : {}),
    }));

  /** Redraws the tooltip's time left of a share that ends by itself; no timer while none does. */
  let timeLeftTimer: NodeJS.Timeout | undefined;

  function update(snapshot: Snapshot): void {
    clearTimeout(timeLeftTimer);
    const now = Date.now();
    const ending = snapshot.shares.filter(
      (share) => share.endsAt !== null && (share.state === 'sharing' || share.state === 'reconnecting'),
    );
    if (ending.length > 0) {
      timeLeftTimer = setTimeout(
        () => update(snapshot),
        Math.min(...ending.map((share) => nextTimeLeftChange(share.endsAt!, now))),
      );
      timeLeftTimer.unref();
    }
    const current = trayState(snapshot, now);
    if (current.name !== shownIcon) {
      tray.setImage(image(current.name));
      shownIcon = current.name;
    }
    if (platform === 'darwin') tray.setTitle(current.title);
    tray.setToolTip(current.tooltip);
    const items = buildTrayMenu(snapshot, platform);
    menu = deps.Menu.buildFromTemplate(toElectronMenu(items));
    shown = { state: current, menu: items, icon: trayIconFile(current.name, platform) };
    // macOS pops the menu up on right click (a context menu set here would also take the left click,
    // which opens the popover). Windows shows a set context menu on right click. Linux: see below.
    if (platform !== 'darwin') tray.setContextMenu(menu);
  }

  if (platform === 'darwin') {
    tray.setIgnoreDoubleClickEvents(true);
    tray.on('click', () => deps.onClick());
    tray.on('right-click', () => {
      deps.onRightClick();
      tray.popUpContextMenu(menu);
    });
  } else if (platform === 'win32') {
    tray.on('click', () => deps.onClick());
    tray.on('right-click', () => deps.onRightClick());
  }
  // Linux: AppIndicator / StatusNotifier trays send no click events (electron/electron#6773), so the context
  // menu set in update() is the only way in, and it carries every action, "Open Pairbar" first.

  update(initial);
  return { update, bounds: () => tray.getBounds(), shown: () => shown };
}
