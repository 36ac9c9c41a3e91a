// Draws Pairbar's icons into assets/: the tray icon for each state (macOS Template images, black + alpha,
// @1x 16 px and @2x 32 px; colour PNGs for Linux and Windows at the same sizes) and the 512 px app icon.
// The shapes are SVG written here and rasterised by Chromium (playwright-core, /usr/bin/chromium or
// CHROMIUM_PATH): no downloads. Run it after changing a shape: `node scripts/make-icons.mjs`; the PNGs are
// committed, so building the app never needs Chromium.
//
// The glyph: two overlapping terminal windows (you and your pair), the front one with a prompt ">_".
//   idle          dimmed glyph, no badge
//   starting      hollow glyph, hollow ring badge
//   sharing       solid front window, dot badge
//   paired        both windows solid, dot badge
//   reconnecting  hollow glyph, broken-ring badge
//   failed        solid front window, warning triangle badge
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'assets');

export const STATES = ['idle', 'starting', 'sharing', 'paired', 'reconnecting', 'failed'];

/** Colour per state for Linux/Windows: mid tones that read on dark panels and light taskbars alike. */
const COLOURS = {
  idle: '#8b93a1',
  starting: '#d99a00',
  sharing: '#1fa463',
  paired: '#2f7cf6',
  reconnecting: '#d99a00',
  failed: '#e5484d',
};

/** The tray glyph on a 16-unit grid, drawn in `colour`; `opacity` dims the whole. */
function trayGlyph(state, colour) {
  const hollow = state === 'starting' || state === 'reconnecting';
  const backSolid = state === 'paired';
  const badge = state !== 'idle';
  // Front window: bottom-left. Back window: top-right, partly behind it.
  const front = { x: 0.75, y: 5.25, w: 10.5, h: 9, r: 1.75 };
  const back = { x: 4.75, y: 1, w: 10.5, h: 8.5, r: 1.75 };
  const rect = (b, inset = 0) =>
    `x="${b.x + inset}" y="${b.y + inset}" width="${b.w - 2 * inset}" height="${b.h - 2 * inset}" rx="${Math.max(b.r - inset, 0.5)}"`;
  const badgeC = { x: 12.75, y: 12.75 };

  const masks = [];
  // Cut the back window where the front one covers it (plus a 1-unit gap), and both where the badge sits.
  masks.push(
    `<mask id="cutBack"><rect width="16" height="16" fill="#fff"/><rect ${rect(front, -1)} fill="#000"/>${badge ? `<circle cx="${badgeC.x}" cy="${badgeC.y}" r="4.25" fill="#000"/>` : ''}</mask>`,
  );
  masks.push(`<mask id="cutFront"><rect width="16" height="16" fill="#fff"/>${badge ? `<circle cx="${badgeC.x}" cy="${badgeC.y}" r="4.25" fill="#000"/>` : ''}
    <path d="M3.25 8.4 L5.6 10.15 L3.25 11.9" fill="none" stroke="#000" stroke-width="1.35" stroke-linecap="round" stroke-linejoin="round"/>
    <path d="M6.6 12 H8.6" stroke="#000" stroke-width="1.35" stroke-linecap="round"/></mask>`);

  const backShape = backSolid
    ? `<rect ${rect(back)} fill="${colour}" mask="url(#cutBack)"/>`
    : `<rect ${rect(back, 0.7)} fill="none" stroke="${colour}" stroke-width="1.4" mask="url(#cutBack)"/>`;
  const frontShape = hollow
    ? `<g mask="url(#cutFrontHollow)"><rect ${rect(front, 0.7)} fill="none" stroke="${colour}" stroke-width="1.4"/>
         <path d="M3.25 8.4 L5.6 10.15 L3.25 11.9" fill="none" stroke="${colour}" stroke-width="1.35" stroke-linecap="round" stroke-linejoin="round"/>
         <path d="M6.6 12 H8.6" stroke="${colour}" stroke-width="1.35" stroke-linecap="round"/></g>`
    : `<rect ${rect(front)} fill="${colour}" mask="url(#cutFront)"/>`;
  if (hollow)
    masks.push(
      `<mask id="cutFrontHollow"><rect width="16" height="16" fill="#fff"/><circle cx="${badgeC.x}" cy="${badgeC.y}" r="4.25" fill="#000"/></mask>`,
    );

  let badgeShape = '';
  const { x, y } = badgeC;
  switch (state) {
    case 'sharing':
    case 'paired':
      badgeShape = `<circle cx="${x}" cy="${y}" r="2.9" fill="${colour}"/>`;
      break;
    case 'starting':
      badgeShape = `<circle cx="${x}" cy="${y}" r="2.35" fill="none" stroke="${colour}" stroke-width="1.3"/>`;
      break;
    case 'reconnecting':
      // Three quarters of a ring: a spinner caught mid-turn.
      badgeShape = `<path d="M${x} ${y - 2.35} A2.35 2.35 0 1 1 ${x - 2.35} ${y}" fill="none" stroke="${colour}" stroke-width="1.3" stroke-linecap="round"/>`;
      break;
    case 'failed':
      badgeShape = `<mask id="bang"><rect width="16" height="16" fill="#fff"/><path d="M${x} ${y - 1.2} V${y + 0.55}" stroke="#000" stroke-width="1.1" stroke-linecap="round"/><circle cx="${x}" cy="${y + 1.85}" r="0.6" fill="#000"/></mask>
        <path d="M${x} ${y - 3.3} L${x + 3.2} ${y + 2.75} L${x - 3.2} ${y + 2.75} Z" fill="${colour}" stroke="${colour}" stroke-width="0.6" stroke-linejoin="round" mask="url(#bang)"/>`;
      break;
  }
  const opacity = state === 'idle' ? ' opacity="0.55"' : '';
  return `<defs>${masks.join('')}</defs><g${opacity}>${backShape}${frontShape}</g>${badgeShape}`;
}

function traySvg(state, colour, pixels) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 16 16">${trayGlyph(state, colour)}</svg>`;
}

/** The app icon: the glyph in white on an indigo rounded square, with a green "sharing" dot. */
function appSvg(pixels) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 512 512">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4656e8"/><stop offset="1" stop-color="#1f2a80"/></linearGradient>
    <filter id="shadow" x="-10%" y="-10%" width="120%" height="130%"><feDropShadow dx="0" dy="8" stdDeviation="10" flood-color="#000" flood-opacity="0.3"/></filter>
    <mask id="cutBack"><rect width="512" height="512" fill="#fff"/><rect x="92" y="196" width="252" height="212" rx="36" fill="#000"/></mask>
    <mask id="cutFront"><rect width="512" height="512" fill="#fff"/>
      <path d="M160 262 L214 302 L160 342" fill="none" stroke="#000" stroke-width="28" stroke-linecap="round" stroke-linejoin="round"/>
      <path d="M238 350 H290" stroke="#000" stroke-width="28" stroke-linecap="round"/>
      <circle cx="386" cy="380" r="70" fill="#000"/></mask>
  </defs>
  <rect x="32" y="32" width="448" height="448" rx="100" fill="url(#bg)" filter="url(#shadow)"/>
  <rect x="200" y="126" width="206" height="180" rx="26" fill="none" stroke="#fff" stroke-width="26" stroke-opacity="0.85" mask="url(#cutBack)"/>
  <rect x="108" y="212" width="220" height="180" rx="28" fill="#fff" mask="url(#cutFront)"/>
  <circle cx="386" cy="380" r="46" fill="#34d17f"/>
</svg>`;
}

async function render(page, svg, pixels) {
  await page.setViewportSize({ width: pixels, height: pixels });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  return page.locator('svg').screenshot({ omitBackground: true, type: 'png' });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // Chromium refuses to run as root without it (CI runs as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    await mkdir(out, { recursive: true });
    const written = [];
    const save = async (name, svg, pixels) => {
      await writeFile(join(out, name), await render(page, svg, pixels));
      written.push(name);
    };
    for (const state of STATES) {
      for (const [suffix, pixels] of [
        ['', 16],
        ['@2x', 32],
      ]) {
        await save(`tray-${state}Template${suffix}.png`, traySvg(state, '#000000', pixels), pixels);
        await save(`tray-${state}${suffix}.png`, traySvg(state, COLOURS[state], pixels), pixels);
      }
    }
    await save('icon.png', appSvg(512), 512);
    console.log(`wrote ${written.length} icons to ${out}`);
  } finally {
    await browser.close();
  }
}

await main();
