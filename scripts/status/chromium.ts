/**
 * Headless Chromium for the status page's test, benchmark and screenshots: Debian's `chromium`
 * package, installed through apt when missing (as the stack installs OpenJDK), driven by
 * playwright-core, which downloads no browser of its own. A fresh profile per launch, removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { aptInstall, canApt } from '../stack/toolchain';

export const CHROMIUM = '/usr/bin/chromium';

/** Nothing a test's browser needs: no GPU, no QUIC, no first-run screens, no calls home. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumMissingError extends Error {
  constructor(reason: string) {
    super(`headless Chromium is needed at ${CHROMIUM} (Debian's chromium package) and ${reason}`);
    this.name = 'ChromiumMissingError';
  }
}

/** The path of Debian's Chromium, installing the package first when it is missing and apt can. */
export async function ensureChromium(progress: (m: string) => void = () => undefined): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (!canApt()) throw new ChromiumMissingError('is missing; this user cannot install it with apt-get (run: sudo apt-get install chromium)');
  try {
    await aptInstall(['chromium'], progress);
  } catch (err) {
    throw new ChromiumMissingError(`could not be installed: ${(err as Error).message}`);
  }
  if (!existsSync(CHROMIUM)) throw new ChromiumMissingError('is still missing after apt-get install chromium');
  return CHROMIUM;
}

export interface Browser {
  context: BrowserContext;
  /** The profile directory: the browser's main process names it in its command line. */
  profile: string;
  close(): Promise<void>;
}

export async function launchChromium(progress?: (m: string) => void): Promise<Browser> {
  const executablePath = await ensureChromium(progress);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'tributary-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  // launchPersistentContext takes the profile directory itself (Playwright refuses --user-data-dir in args).
  const context = await chromium
    .launchPersistentContext(profile, { executablePath, args: FLAGS, headless: true, viewport: { width: 1440, height: 1000 } })
    .catch((err: unknown) => {
      removeProfile();
      throw err;
    });
  return {
    context,
    profile,
    close: async () => {
      try {
        await context.close();
      } finally {
        removeProfile();
      }
    },
  };
}
