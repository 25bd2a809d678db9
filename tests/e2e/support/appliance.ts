import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { BackupStatusSource } from '@flowgento/backup';
import { silentLogger, type Clock } from '@flowgento/core';
import { loadConfig } from '../../../apps/server/src/config.ts';
import {
  startAppliance,
  type RunningAppliance,
} from '../../../apps/server/src/server.ts';
import { launchChromium, openWatchedPage } from './browser.ts';
import { ensureWebBuilt, WEB_DIST } from './web-build.ts';

export interface E2eOptions {
  /** A stand-in backup engine's status; without one, backups are "not running". */
  backupStatus?: BackupStatusSource;
  /** The appliance's time, for tests that let a day pass; real time by default. */
  clock?: Clock;
  /** More FLOWGENTO_* variables (never a host other than loopback to listen on). */
  env?: Record<string, string>;
}

export interface E2eAppliance {
  running: RunningAppliance;
  /** Stops it and deletes its data folder and key file. */
  stop(): Promise<void>;
}

/**
 * The real appliance for one browser test file: a fresh data folder and key
 * file, HTTPS on a free loopback port, the built web UI, and the Cloud API
 * simulator on or off.
 */
export async function startE2eAppliance(
  simulator: 'on' | 'off',
  options: E2eOptions = {},
): Promise<E2eAppliance> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-e2e-data-'));
  const keyDir = mkdtempSync(join(tmpdir(), 'fg-e2e-key-'));
  const config = loadConfig({
    env: {
      FLOWGENTO_DATA_DIR: dataDir,
      FLOWGENTO_KEY_FILE: join(keyDir, 'root.key'),
      FLOWGENTO_PORT: '0',
      FLOWGENTO_HTTP_PORT: 'off',
      FLOWGENTO_HOST: '127.0.0.1',
      FLOWGENTO_SIMULATOR: simulator,
      // The Backups screen is tested with the status it is given.
      FLOWGENTO_BACKUP: 'off',
      ...options.env,
    },
  });
  const running = await startAppliance(config, {
    logger: silentLogger(),
    webRoot: WEB_DIST,
    backupStatus: options.backupStatus,
    clock: options.clock,
  });
  return {
    running,
    async stop() {
      await running.close();
      for (const dir of [dataDir, keyDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** First-run setup in the browser, as the OWNER does it; ends on the inbox. */
export async function createWorkspaceInBrowser(
  page: Page,
  setupCode: string,
  owner: { email: string; password: string },
): Promise<void> {
  await page.getByTestId('setup-screen').waitFor();
  await page.getByLabel('Setup code').fill(setupCode);
  await page.getByLabel('Workspace name').fill('Acme Clinic');
  await page.getByLabel('Your name').fill('Olivia Owner');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByTestId('inbox').waitFor();
}

/**
 * The usual start of an inbox test: a new browser context on the appliance,
 * the OWNER's first-run setup, and a simulated number connected from the
 * WhatsApp card. Returns the watched page and the number as stored.
 */
export async function ownerWithSimulatedNumber(
  e2e: ReturnType<typeof useE2eAppliance>,
  options: {
    owner?: { email: string; password: string };
    context?: BrowserContextOptions;
  } = {},
) {
  const app = e2e.running;
  const chromium = await e2e.browser();
  const context = await chromium.newContext(
    options.context ?? { viewport: { width: 1280, height: 900 } },
  );
  const { page, watch } = await openWatchedPage(context, app.url);
  await page.goto(app.url);
  await createWorkspaceInBrowser(
    page,
    app.setupCode!,
    options.owner ?? { email: 'olivia@example.test', password: 'correct horse battery' },
  );
  await page.getByRole('button', { name: 'Connect a simulated number' }).click();
  await page.getByTestId('sim-send').waitFor();
  const [number] = app.appliance.store.routing.allNumbers();
  return { page, watch, context, number: number! };
}

/**
 * One browser test file's appliance and Chromium: the appliance starts before
 * the file's tests and both stop after them. Call `browser()` inside a test,
 * not a hook, so a missing Chromium fails the test instead of skipping it.
 */
export function useE2eAppliance(simulator: 'on' | 'off', options: E2eOptions = {}) {
  let appliance: E2eAppliance | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    appliance = await startE2eAppliance(simulator, options);
  });
  afterAll(async () => {
    await browser?.close();
    await appliance?.stop();
  });
  return {
    get running(): RunningAppliance {
      if (!appliance) throw new Error('the e2e appliance has not started');
      return appliance.running;
    },
    async browser(): Promise<Browser> {
      browser ??= await launchChromium(this.running.tls.serverSpkiSha256);
      return browser;
    },
  };
}

/** Where a test keeps a screenshot for a person to look at (git ignores it). */
export function screenshotPath(name: string): string {
  return fileURLToPath(new URL(`../../../test-results/${name}`, import.meta.url));
}
