/**
 * The committed icons (drawn by scripts/make-icons.mjs): decoded here with zlib, to check what macOS and
 * the Linux/Windows trays need of them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { TRAY_STATES, trayIconFile } from '../../main/app/tray.ts';

const ASSETS = join(import.meta.dirname, '../../assets');

interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, rows top to bottom. */
  pixels: Buffer;
}

/** Decodes an 8-bit RGBA, non-interlaced PNG (what Chromium's screenshots are). */
function decodePng(file: string): Image {
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString('latin1');
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.deepEqual([body[8], body[9], body[12]], [8, 6, 0], `${file}: 8-bit RGBA, not interlaced`);
    } else if (type === 'IDAT') {
      data.push(body);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const corner = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - corner;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - corner)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : corner;
      }
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  return { width, height, pixels };
}

function stats(image: Image): { opaque: number; maxAlpha: number; coloured: number } {
  let opaque = 0;
  let maxAlpha = 0;
  let coloured = 0;
  for (let i = 0; i < image.pixels.length; i += 4) {
    const [r, g, b, a] = [image.pixels[i]!, image.pixels[i + 1]!, image.pixels[i + 2]!, image.pixels[i + 3]!];
    if (a > 0) opaque++;
    maxAlpha = Math.max(maxAlpha, a);
    if (a > 0 && (r > 8 || g > 8 || b > 8)) coloured++;
  }
  return { opaque, maxAlpha, coloured };
}

test('macOS Template images: 16 px and @2x 32 px, black + alpha only, something drawn', () => {
  for (const state of TRAY_STATES) {
    for (const [suffix, size] of [
      ['', 16],
      ['@2x', 32],
    ] as const) {
      const file = trayIconFile(state, 'darwin').replace('.png', `${suffix}.png`);
      const image = decodePng(join(ASSETS, file));
      assert.deepEqual([image.width, image.height], [size, size], file);
      const { opaque, coloured } = stats(image);
      assert.equal(coloured, 0, `${file}: a Template image holds black and alpha only`);
      assert.ok(opaque > size * size * 0.15, `${file}: a glyph is drawn (${opaque} pixels)`);
      // Transparent corners: it is an icon on the bar, not a tile.
      assert.equal(image.pixels[3], 0, `${file}: top-left pixel is transparent`);
    }
  }
});

test('idle is dimmed; every other state is drawn at full strength', () => {
  assert.ok(stats(decodePng(join(ASSETS, 'tray-idleTemplate@2x.png'))).maxAlpha < 200);
  for (const state of TRAY_STATES.filter((name) => name !== 'idle')) {
    assert.equal(stats(decodePng(join(ASSETS, `tray-${state}Template@2x.png`))).maxAlpha, 255, state);
  }
});

test('each state looks different from every other (Template and colour)', () => {
  for (const platform of ['darwin', 'linux'] as const) {
    const seen = new Map<string, string>();
    for (const state of TRAY_STATES) {
      const pixels = decodePng(join(ASSETS, trayIconFile(state, platform).replace('.png', '@2x.png'))).pixels.toString(
        'base64',
      );
      assert.ok(!seen.has(pixels), `${platform}: ${state} looks like ${seen.get(pixels)}`);
      seen.set(pixels, state);
    }
  }
});

test('colour icons for Linux and Windows are in colour, and the app icon is 512 px and opaque in its middle', () => {
  for (const state of TRAY_STATES) {
    const image = decodePng(join(ASSETS, trayIconFile(state, 'linux')));
    assert.deepEqual([image.width, image.height], [16, 16]);
    assert.ok(stats(image).coloured > 20, state);
  }
  const icon = decodePng(join(ASSETS, 'icon.png'));
  assert.deepEqual([icon.width, icon.height], [512, 512]);
  const middle = (256 * 512 + 256) * 4;
  assert.equal(icon.pixels[middle + 3], 255);
});
