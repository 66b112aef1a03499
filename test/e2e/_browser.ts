// Browser helpers for the dashboard's tests and bench: Debian's chromium, headless, driven by puppeteer-core
// (which downloads no browser); sign-in, screenshots into test-artifacts/, and the two figures the issue asks for.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { docker, type Daemon } from './_daemon.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where screenshots of the dashboard's pages are saved (kept by CI as artifacts; not in git). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'dashboard');

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.PAAS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // As root in a container: no sandbox. No background traffic: this machine's network is closed.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new API token from the daemon's CLI (`tokens:create NAME [--app APP]`). */
export async function createToken(daemon: Daemon, name: string, app?: string): Promise<string> {
  const created = await daemon.paas(['tokens:create', name, ...(app ? ['--app', app] : [])]);
  if (created.code !== 0) throw new Error(created.output);
  return created.stdout.trim().split('\n').at(-1)!;
}

/** Opens the dashboard at `base`, signs in with `token` and waits for the apps page. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.waitForSelector('#token');
  await page.type('#token', token);
  // From the keyboard: Enter in the field submits the form.
  await page.keyboard.press('Enter');
  await page.waitForSelector('h1 ::-p-text(Apps)');
}

/**
 * Waits until the element `selector` shows text matching `pattern`, checked at every frame of the page (brought to
 * the front): DOM-mutation polling misses a text node whose data changes in place. On a timeout the error says
 * what the element and the page's alerts showed.
 */
export async function waitForText(page: Page, selector: string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  await page.bringToFront();
  try {
    await page.waitForFunction(
      (sel: string, source: string, flags: string) => new RegExp(source, flags).test(document.querySelector(sel)?.textContent ?? ''),
      { timeout: timeoutMs, polling: 'raf' },
      selector,
      pattern.source,
      pattern.flags,
    );
  } catch (err) {
    const seen = await page.evaluate(
      (sel: string) => ({
        element: document.querySelector(sel)?.textContent ?? '(none)',
        alerts: [...document.querySelectorAll('[role=alert]')].map((a) => a.textContent),
        main: document.querySelector('main')?.textContent?.slice(0, 600),
      }),
      selector,
    );
    throw new Error(`${selector} did not show ${pattern} within ${timeoutMs} ms: ${JSON.stringify(seen)}`, { cause: err });
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Milliseconds from the navigation's start to the apps page showing `rows` apps (first meaningful paint of the
 * list), timed inside the page by a MutationObserver set up before any script of the page runs.
 */
export async function listPaintMs(page: Page, url: string, rows: number): Promise<number> {
  await page.evaluateOnNewDocument((wanted: number) => {
    new MutationObserver((_, observer) => {
      if (document.querySelectorAll('tr[data-app]').length >= wanted) {
        (window as unknown as { listPainted: number }).listPainted = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, rows);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { listPainted?: number }).listPainted !== undefined, { timeout: 60_000 });
  return page.evaluate(() => (window as unknown as { listPainted: number }).listPainted);
}

/**
 * With `page` on an app's logs page: makes the app's container print a line (written to its PID 1's stdout by
 * `docker exec`) and returns the milliseconds until the page shows it.
 */
export async function logLineMs(page: Page, containerId: string, marker: string): Promise<number> {
  await page.bringToFront();
  await page.waitForSelector('pre[role=log]');
  const exec = await docker.getContainer(containerId).exec({ Cmd: ['sh', '-c', `echo ${marker} > /proc/1/fd/1`], AttachStdout: false, AttachStderr: false });
  const printed = performance.now();
  await exec.start({ Detach: true });
  await page.waitForFunction(
    (m: string) => document.querySelector('pre[role=log]')?.textContent?.includes(m) === true,
    // At every frame of the page, brought to the front (a background tab draws no frames). Not on DOM mutations: a
    // new line can change a text node's data, which puppeteer's mutation polling does not watch.
    { timeout: 30_000, polling: 'raf' },
    marker,
  );
  return performance.now() - printed;
}
