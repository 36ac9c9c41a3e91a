/**
 * Debian's Chromium driven by playwright-core (no browser download). It runs as root in CI, so it needs
 * --no-sandbox; the network here is closed, so everything that phones home is switched off (without those
 * flags Chromium stalls or fails at start).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.PAIRBAR_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--hide-scrollbars',
];

/** True where the Chromium binary exists (the ui tests skip with this reason where it does not). */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (install Debian's chromium package)`;
}

/**
 * Launches Chromium. Playwright gives every launch a fresh temporary user-data dir of its own (and refuses
 * a --user-data-dir argument to launch()), and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}
