// End to end against the real system that scripts/system-e2e.sh starts with ./start.sh: the broker, the
// four demo services on the MiniKafka binder and the aggregator serving the built dashboard. Opened in
// Debian's headless Chromium through playwright-core (CHROMIUM_PATH or /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const dashboard = process.env.DASHBOARD_URL || 'http://127.0.0.1:5173';
const broker = process.env.BROKER_URL || 'http://127.0.0.1:8080';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const GROUPS = ['analytics', 'notifications', 'orders'];

let browser;
let page;

before(async () => {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
});

const json = async (url, init) => {
  const response = await fetch(url, init);
  assert.ok(response.ok, `${url}: HTTP ${response.status}`);
  return response.json();
};

const committedTotal = async () => {
  const { groups } = await json(`${broker}/api/v1/groups`);
  const totals = {};
  for (const id of GROUPS) {
    if (!groups.some((g) => g.groupId === id)) continue;
    const group = await json(`${broker}/api/v1/groups/${id}`);
    totals[id] = group.partitions.reduce((sum, p) => sum + (p.committedOffset ?? 0), 0);
  }
  return totals;
};

const eventually = async (check, what, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`${what} within ${timeoutMs} ms`);
};

test('Start Stream sends payments through the broker to every consumer group, and Stop stops them', async () => {
  await page.goto(dashboard);
  await page.locator('[data-connection="live"]').waitFor();
  await json(`${dashboard}/api/control/rate`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ eventsPerSecond: 200 }),
  });
  const before = await committedTotal();

  await page.getByRole('button', { name: 'Start Stream' }).click();
  await page.getByRole('button', { name: 'Stop Stream' }).waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="produced-rate"]')?.textContent) > 0, null, { timeout: 60_000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="consumed-rate"]')?.textContent) > 0, null, { timeout: 60_000 });

  // Every group commits progress: the events really went Payments → broker → Orders, Notifications, Analytics.
  await eventually(async () => {
    const now = await committedTotal();
    return GROUPS.every((id) => (now[id] ?? 0) > (before[id] ?? 0) + 100);
  }, 'all three groups commit more than 100 new events');
  const orders = await json(`${dashboard.replace(/:\d+$/, '')}:${process.env.ORDERS_PORT || 8082}/stats`);
  assert.ok(orders.details.ordersCreated > 0, 'Orders created orders');

  await page.getByRole('button', { name: 'Stop Stream' }).click();
  await page.getByRole('button', { name: 'Start Stream' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="produced-rate"]')?.textContent === '0', null, { timeout: 30_000 });
  const control = await json(`${dashboard}/api/control`);
  assert.equal(control.running, false);
});
