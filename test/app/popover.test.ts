/**
 * Where the popover opens (pure: tray bounds, window size, the display's work area, the platform), which
 * page counts as the popover's own, and the window options that keep Node out of the page.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isPopoverUrl,
  POPOVER_SIZE,
  popoverPosition,
  popoverWindowOptions,
  type Rect,
} from '../../main/electron/popover.ts';

const SIZE = POPOVER_SIZE; // 360 × 480
const ZERO: Rect = { x: 0, y: 0, width: 0, height: 0 };

function inside(position: { x: number; y: number }, area: Rect): void {
  assert.ok(
    position.x >= area.x && position.x + SIZE.width <= area.x + area.width,
    `x ${position.x} inside ${JSON.stringify(area)}`,
  );
  assert.ok(
    position.y >= area.y && position.y + SIZE.height <= area.y + area.height,
    `y ${position.y} inside ${JSON.stringify(area)}`,
  );
}

describe('popoverPosition', () => {
  test('macOS: under the icon in the top menu bar, centred on it', () => {
    // 1440×900 display, 24 px menu bar; icon at x 1200.
    const workArea = { x: 0, y: 24, width: 1440, height: 876 };
    const tray = { x: 1200, y: 0, width: 24, height: 24 };
    const position = popoverPosition(tray, SIZE, workArea, 'darwin');
    assert.deepEqual(position, { x: 1200 + 12 - 180, y: 24 + 4 });
    inside(position, workArea);
  });

  test('Windows: above the icon on a bottom taskbar', () => {
    // 1920×1080, 40 px taskbar at the bottom; icon in the notification area.
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    const tray = { x: 1700, y: 1044, width: 32, height: 32 };
    const position = popoverPosition(tray, SIZE, workArea, 'win32');
    assert.deepEqual(position, { x: 1700 + 16 - 180, y: 1040 - 480 - 4 });
    inside(position, workArea);
  });

  test('Windows/Linux: below the icon on a top bar, beside it on a left or right bar', () => {
    const top = popoverPosition(
      { x: 800, y: 0, width: 24, height: 28 },
      SIZE,
      { x: 0, y: 28, width: 1920, height: 1052 },
      'linux',
    );
    assert.deepEqual(top, { x: 800 + 12 - 180, y: 28 + 4 });
    const left = popoverPosition(
      { x: 8, y: 900, width: 32, height: 32 },
      SIZE,
      { x: 48, y: 0, width: 1872, height: 1080 },
      'win32',
    );
    assert.deepEqual(left, { x: 48 + 4, y: 1080 - 480 });
    const right = popoverPosition(
      { x: 1880, y: 500, width: 32, height: 32 },
      SIZE,
      { x: 0, y: 0, width: 1872, height: 1080 },
      'win32',
    );
    assert.deepEqual(right, { x: 1872 - 360 - 4, y: 516 - 240 });
  });

  test('Linux with tray bounds all zero (AppIndicator): top-right corner of the work area', () => {
    const workArea = { x: 0, y: 27, width: 1920, height: 1053 };
    const position = popoverPosition(ZERO, SIZE, workArea, 'linux');
    assert.deepEqual(position, { x: 1920 - 360 - 4, y: 27 + 4 });
    inside(position, workArea);
  });

  test('an icon at the right edge: clamped so the popover stays on screen', () => {
    const workArea = { x: 0, y: 24, width: 1440, height: 876 };
    const mac = popoverPosition({ x: 1420, y: 0, width: 20, height: 24 }, SIZE, workArea, 'darwin');
    assert.equal(mac.x, 1440 - 360);
    inside(mac, workArea);
    const windows = popoverPosition(
      { x: 1900, y: 1044, width: 20, height: 32 },
      SIZE,
      { x: 0, y: 0, width: 1920, height: 1040 },
      'win32',
    );
    assert.equal(windows.x, 1920 - 360);
    // And at the left edge.
    assert.equal(popoverPosition({ x: 2, y: 0, width: 20, height: 24 }, SIZE, workArea, 'darwin').x, 0);
  });

  test('multi-monitor: a display left of and above the primary (negative coordinates)', () => {
    // Secondary display at x -2560, y -360 (2560×1440), menu bar 25 px.
    const workArea = { x: -2560, y: -335, width: 2560, height: 1415 };
    const mac = popoverPosition({ x: -300, y: -360, width: 24, height: 25 }, SIZE, workArea, 'darwin');
    assert.deepEqual(mac, { x: -300 + 12 - 180, y: -335 + 4 });
    inside(mac, workArea);
    // Windows taskbar at the bottom of that display.
    const win = popoverPosition(
      { x: -100, y: 1040, width: 32, height: 40 },
      SIZE,
      { x: -2560, y: -360, width: 2560, height: 1400 },
      'win32',
    );
    // Centred on the icon would be x -264; clamped against that display's right edge (x 0).
    assert.deepEqual(win, { x: -360, y: 1040 - 480 - 4 });
    inside(win, { x: -2560, y: -360, width: 2560, height: 1400 });
    // Tray bounds all zero on a display with negative coordinates: that display's top-right corner.
    assert.deepEqual(popoverPosition(ZERO, SIZE, workArea, 'linux'), { x: -360 - 4, y: -335 + 4 });
  });

  test('coordinates are whole pixels (fractional scale factors give fractional bounds)', () => {
    const position = popoverPosition(
      { x: 1000.4, y: 0, width: 21.7, height: 24.5 },
      SIZE,
      { x: 0, y: 24.5, width: 1707.5, height: 935.5 },
      'darwin',
    );
    assert.ok(Number.isInteger(position.x) && Number.isInteger(position.y), JSON.stringify(position));
    assert.deepEqual(position, { x: Math.round(1000.4 + 21.7 / 2 - 180), y: Math.round(24.5 + 4) });
    const zero = popoverPosition(ZERO, SIZE, { x: 0.5, y: 27.25, width: 1365.33, height: 740.75 }, 'linux');
    assert.ok(Number.isInteger(zero.x) && Number.isInteger(zero.y), JSON.stringify(zero));
  });

  test('a work area smaller than the popover: pinned to its top-left rather than pushed off screen', () => {
    const position = popoverPosition(
      { x: 100, y: 0, width: 20, height: 20 },
      SIZE,
      { x: 0, y: 20, width: 300, height: 400 },
      'darwin',
    );
    assert.deepEqual(position, { x: 0, y: 20 });
  });
});

describe('isPopoverUrl', () => {
  const page = 'file:///Applications/Pairbar.app/Contents/Resources/app.asar/dist/renderer/index.html';
  test('the page itself, with or without a fragment', () => {
    assert.equal(isPopoverUrl(page, page), true);
    assert.equal(isPopoverUrl(`${page}#preferences`, page), true);
  });
  test('anything else is not ours', () => {
    for (const url of [
      'file:///Applications/Pairbar.app/Contents/Resources/app.asar/dist/renderer/other.html',
      'file:///tmp/index.html',
      `${page}?x=1`,
      'https://example.com/dist/renderer/index.html',
      'about:blank',
      'data:text/html,hi',
      '',
      'not a url',
      undefined,
      null,
    ]) {
      assert.equal(isPopoverUrl(url, page), false, String(url));
    }
  });
});

describe('popoverWindowOptions', () => {
  test('frameless 360×480, hidden until placed, and no Node in the page', () => {
    const options = popoverWindowOptions('/app/dist/preload.cjs', 'linux');
    assert.equal(options.width, 360);
    assert.equal(options.height, 480);
    assert.equal(options.frame, false);
    assert.equal(options.show, false);
    assert.equal(options.skipTaskbar, true);
    assert.deepEqual(
      {
        preload: options.webPreferences?.preload,
        contextIsolation: options.webPreferences?.contextIsolation,
        sandbox: options.webPreferences?.sandbox,
        nodeIntegration: options.webPreferences?.nodeIntegration,
      },
      { preload: '/app/dist/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false },
    );
    assert.equal(options.webPreferences?.webviewTag, false);
  });
});
