// End to end: the aggregator (from ../aggregator) against the fake broker and services, serving the
// built dashboard (run `npm run build` first; `npm run e2e` does both), opened in Debian's headless
// Chromium through playwright-core. No browser is downloaded: CHROMIUM_PATH or /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeSystem } from '../../aggregator/dev/fake-system.js';
import { createAggregator } from '../../aggregator/src/aggregator.js';
import { loadConfig } from '../../aggregator/src/config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');
const screenshots = path.join(here, 'screenshots');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let fake;
let aggregator;
let browser;
let page;

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), `no build in ${dist}: run npm run build`);
  assert.ok(fs.existsSync(executablePath), `no Chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  fake = await startFakeSystem({ intervalMs: 250 });
  aggregator = await createAggregator({
    ...loadConfig({}), port: 0, snapshotsPerSec: 4, pollMs: 250, uiDist: dist, brokerUrl: fake.brokerUrl, services: fake.services,
  }).start();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.setDefaultTimeout(8000);
  page.on('pageerror', (error) => console.error('page error:', error));
});

after(async () => {
  await browser?.close();
  await aggregator?.close();
  await fake?.close();
});

const chartPoints = (title) => page.locator(`section[aria-label="${title}"] .chart-box`).getAttribute('data-last');
const number = async (testId) => Number((await page.getByTestId(testId).textContent()).replace(/[^\d.]/g, '') || 0);

test('the dashboard connects, draws its charts and keeps them moving', async () => {
  await page.goto(aggregator.url);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 5000 });
  const title = 'Events per second, produced and consumed';
  await page.locator(`section[aria-label="${title}"] canvas`).first().waitFor();
  const first = await chartPoints(title);
  await page.waitForFunction(([t, before]) => document.querySelector(`section[aria-label="${t}"] .chart-box`)?.dataset.last !== before, [title, first], { timeout: 3000 });
  for (const name of ['Consumer lag per group (records)', 'Enqueue latency (ms)', 'End-to-end latency (ms)']) {
    assert.equal(await page.locator(`section[aria-label="${name}"] canvas`).count() > 0, true, name);
  }
});

test('Start Stream reaches Payments and throughput and lag rise; Stop brings throughput to zero', async () => {
  assert.equal(await number('produced-rate'), 0);
  await page.getByRole('button', { name: 'Start Stream' }).click();
  await waitFor(() => fake.calls.some((c) => c.command === 'start'), 'the start call at Payments');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="produced-rate"]')?.textContent) > 0, null, { timeout: 5000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="consumed-rate"]')?.textContent) > 0, null, { timeout: 5000 });
  await page.getByRole('button', { name: 'Stop Stream' }).waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="total-lag"]')?.textContent) > 0, null, { timeout: 5000 });
  const lagChart = 'Consumer lag per group (records)';
  const lagBefore = await chartPoints(lagChart);
  await page.waitForFunction(([t, before]) => document.querySelector(`section[aria-label="${t}"] .chart-box`)?.dataset.last !== before, [lagChart, lagBefore]);
  await page.waitForTimeout(1500);
  fs.mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, 'overview.png'), fullPage: true });

  await page.getByRole('button', { name: 'Stop Stream' }).click();
  await waitFor(() => fake.calls.some((c) => c.command === 'stop'), 'the stop call at Payments');
  await page.waitForFunction(() => document.querySelector('[data-testid="produced-rate"]')?.textContent === '0', null, { timeout: 5000 });
});

test('the rate control sends the rate to Payments', async () => {
  await page.getByLabel('rate', { exact: true }).fill('1200');
  await page.getByLabel('rate unit').selectOption('eventsPerMinute');
  await page.getByRole('button', { name: 'Set rate' }).click();
  await waitFor(() => fake.calls.some((c) => c.command === 'rate' && c.body.eventsPerMinute === 1200), 'the rate call at Payments');
});

test('a disconnected aggregator is shown, and the dashboard reconnects by itself', async () => {
  const port = new URL(aggregator.url).port;
  await aggregator.close();
  await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 5000 });
  aggregator = await createAggregator({
    ...loadConfig({}), port: Number(port), snapshotsPerSec: 4, pollMs: 250, uiDist: dist, brokerUrl: fake.brokerUrl, services: fake.services,
  }).start();
  await page.locator('[data-connection="live"]').waitFor({ timeout: 8000 });
  // the restarted aggregator's numbering began again: the dashboard follows it, not its old window
  await page.getByText(/stopped · 20 events\/s \(1,200\/min\)/).waitFor();
});

test('the topics, groups and records pages show the broker through the proxy', async () => {
  await page.getByRole('link', { name: 'Topics' }).click();
  await page.locator('section[aria-label="topic payments"] tbody tr').nth(2).waitFor();
  await page.getByRole('link', { name: 'Consumer groups' }).click();
  await page.locator('section[aria-label="group analytics"]').waitFor();
  await page.getByRole('button', { name: 'orders' }).click();
  await page.locator('section[aria-label="group orders"] tbody tr').nth(2).waitFor();
  await page.getByRole('link', { name: 'Records' }).click();
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('table.records tbody tr').first().waitFor();
  await page.setViewportSize({ width: 420, height: 900 });
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.locator('[data-connection="live"]').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(screenshots, 'overview-narrow.png'), fullPage: false });
});

test('the dashboard follows the system colour scheme', async () => {
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await background();
  assert.notEqual(light, dark);
  const brightness = (rgb) => rgb.match(/\d+/g).slice(0, 3).reduce((sum, v) => sum + Number(v), 0);
  assert.ok(brightness(dark) < brightness(light), `${dark} is darker than ${light}`);
  await page.setViewportSize({ width: 1400, height: 1100 });
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(screenshots, 'overview-dark.png'), fullPage: true });
});

async function waitFor(check, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
