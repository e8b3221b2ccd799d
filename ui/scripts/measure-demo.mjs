#!/usr/bin/env node
// Measures the running demo (./start.sh) under load: sets Payments' rate, starts the stream, and every
// SAMPLE_SECONDS prints each service's consumed rate (from its /stats totals), each group's lag (the
// broker's GET /api/v1/groups) and, for the processes named in PIDS, their CPU; optionally with the
// dashboard open in headless Chromium. Stops the stream at the end. Linux only (CPU from /proc).
//
//   PIDS="broker=123,payments=124,aggregator=130" DASHBOARD=1 RATE_PER_MINUTE=100000 DURATION_SECONDS=180 \
//   BROKER_URL=http://127.0.0.1:8080 PAYMENTS_URL=http://127.0.0.1:8081 ORDERS_URL=… NOTIFICATIONS_URL=… \
//   ANALYTICS_URL=… AGGREGATOR_URL=http://127.0.0.1:5173 node scripts/measure-demo.mjs
//
// A group keeps up when its lag stays flat (below one second of traffic) instead of growing.
import fs from 'node:fs';

const env = process.env;
const rate = Number(env.RATE_PER_MINUTE || 100000);
const duration = Number(env.DURATION_SECONDS || 180);
const every = Number(env.SAMPLE_SECONDS || 10);
const urls = {
  broker: env.BROKER_URL || 'http://127.0.0.1:8080',
  payments: env.PAYMENTS_URL || 'http://127.0.0.1:8081',
  orders: env.ORDERS_URL || 'http://127.0.0.1:8082',
  notifications: env.NOTIFICATIONS_URL || 'http://127.0.0.1:8083',
  analytics: env.ANALYTICS_URL || 'http://127.0.0.1:8084',
  aggregator: env.AGGREGATOR_URL || 'http://127.0.0.1:5173',
};
const consumers = ['orders', 'notifications', 'analytics'];
const pids = Object.fromEntries((env.PIDS || '').split(',').filter(Boolean).map((p) => p.split('=')));

const json = async (url, init) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000), ...init });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
};
const cpuSeconds = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const chromiumPids = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try {
    return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('chromium');
  } catch {
    return false;
  }
});
const cpuOf = (pidList) => pidList.reduce((total, p) => { try { return total + cpuSeconds(p); } catch { return total; } }, 0);

const sample = async () => {
  const totals = {};
  for (const s of ['payments', ...consumers]) {
    totals[s] = (await json(`${urls[s]}/stats`)).events.total;
  }
  const lags = Object.fromEntries((await json(`${urls.broker}/api/v1/groups`)).groups.map((g) => [g.groupId, g.lag]));
  const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuOf([pid])]));
  if (browser) cpu.chromium = cpuOf(chromiumPids());
  return { at: Date.now(), totals, lags, cpu };
};

let browser = null;
if (env.DASHBOARD === '1') {
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(urls.aggregator);
}

const rows = [];
try {
  await json(`${urls.payments}/control/rate`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ eventsPerMinute: rate }),
  });
  await json(`${urls.payments}/control/start`, { method: 'POST' });
  console.log(`rate ${rate}/min for ${duration} s, a sample every ${every} s`);
  console.log(['t', 'sent/s', ...consumers.map((c) => `${c}/s`), ...consumers.map((c) => `lag ${c}`),
    ...Object.keys(pids).map((p) => `cpu% ${p}`), ...(browser ? ['cpu% chromium'] : [])].join('\t'));
  let last = await sample();
  const start = last.at;
  while (Date.now() - start < duration * 1000) {
    await new Promise((r) => setTimeout(r, every * 1000));
    const now = await sample();
    const secs = (now.at - last.at) / 1000;
    const perSec = (s) => Math.round((now.totals[s] - last.totals[s]) / secs);
    const cpuPct = (name) => ((100 * (now.cpu[name] - last.cpu[name])) / secs).toFixed(1);
    const row = { t: Math.round((now.at - start) / 1000), sent: perSec('payments') };
    consumers.forEach((c) => { row[c] = perSec(c); });
    consumers.forEach((c) => { row[`lag ${c}`] = now.lags[c] ?? null; });
    Object.keys(now.cpu).forEach((n) => { row[`cpu ${n}`] = Number(cpuPct(n)); });
    rows.push(row);
    console.log(Object.values(row).join('\t'));
    last = now;
  }
} finally {
  await fetch(`${urls.payments}/control/stop`, { method: 'POST' }).catch(() => {});
  if (browser) await browser.close();
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
console.log('median\t' + Object.keys(rows[0]).filter((k) => k !== 't').map((k) => `${k}=${median(rows.map((r) => r[k]))}`).join('  '));
