#!/usr/bin/env node
// Measures what the live dashboard costs: CPU of the aggregator process and of a headless Chromium
// showing one page, over a window, with Payments "running" against the aggregator's fake system.
//
//   npm run build && node scripts/measure-cpu.mjs            # Overview, 30 s
//   MEASURE_SECONDS=60 MEASURE_PAGE=/topics node scripts/measure-cpu.mjs
//   MEASURE_DIST=<other-checkout>/ui/dist node scripts/measure-cpu.mjs   # another build, to compare two side by side
//   MEASURE_AGGREGATOR_DOWN=1 node scripts/measure-cpu.mjs     # the page while the aggregator is away
//   MEASURE_AGGREGATOR=<other-checkout>/aggregator/src/main.js node scripts/measure-cpu.mjs   # another aggregator
//   MEASURE_VIEWPORT=390x844 node scripts/measure-cpu.mjs       # a phone-sized window (default 1400x1000)
//
// CPU comes from /proc/<pid>/stat (user + system time), so it is Linux only. Headless Chromium renders
// in software (--disable-gpu): an upper bound for a desktop browser, which composites on the GPU.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeSystem } from '../../aggregator/dev/fake-system.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.MEASURE_SECONDS || 30);
const pagePath = process.env.MEASURE_PAGE || '/';
const port = Number(process.env.MEASURE_PORT || 15999);
const [width, height] = (process.env.MEASURE_VIEWPORT || '1400x1000').split('x').map(Number);
const dist = path.resolve(process.env.MEASURE_DIST || path.join(here, '..', 'dist'));

const cpuSeconds = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
};
/** The descendants of `root`: here, this script's own Chromium (browser, renderer, GPU, utility), not others on the machine. */
const processTree = (root) => {
  const parent = new Map();
  for (const p of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      parent.set(p, fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([String(root)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of parent) {
      if (!tree.has(p) && tree.has(pp)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return [...tree];
};
const sum = (pids, f) => pids.reduce((total, p) => { try { return total + f(p); } catch { return total; } }, 0);

const fake = await startFakeSystem({ intervalMs: 1000 });
const aggregatorMain = path.resolve(process.env.MEASURE_AGGREGATOR || path.join(here, '..', '..', 'aggregator', 'src', 'main.js'));
const aggregator = spawn(process.execPath, [aggregatorMain], {
  stdio: 'ignore',
  env: {
    ...process.env, AGGREGATOR_PORT: String(port), AGGREGATOR_UI_DIST: dist, BROKER_URL: fake.brokerUrl,
    PAYMENTS_URL: fake.services.payments, ORDERS_URL: fake.services.orders, NOTIFICATIONS_URL: fake.services.notifications, ANALYTICS_URL: fake.services.analytics,
  },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
});
try {
  for (let i = 0; i < 100; i++) { // until the aggregator answers (slow to start on a busy machine)
    if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await fetch(`http://127.0.0.1:${port}/api/control/start`, { method: 'POST' });
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`http://127.0.0.1:${port}${pagePath}`);
  await new Promise((r) => setTimeout(r, 5000)); // past start-up
  const aggregatorDown = Boolean(process.env.MEASURE_AGGREGATOR_DOWN);
  if (aggregatorDown) {
    aggregator.kill();
    await new Promise((r) => setTimeout(r, 3000)); // the page notices and keeps trying to reconnect
  }
  const pids = processTree(process.pid).filter((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('chromium');
    } catch {
      return false;
    }
  });
  const a0 = aggregatorDown ? 0 : cpuSeconds(aggregator.pid);
  const c0 = sum(pids, cpuSeconds);
  const each0 = new Map(pids.map((p) => [p, cpuSeconds(p)]));
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (Date.now() - t0) / 1000;
  const share = (cpu) => `${((100 * cpu) / wall).toFixed(1)}% of one core`;
  console.log(`over ${wall.toFixed(0)} s, page ${pagePath} at ${width}x${height}, ${aggregatorDown ? 'aggregator down' : '2 snapshots/s'}, ${dist}:`);
  if (!aggregatorDown) console.log(`  aggregator (${aggregatorMain}): ${share(cpuSeconds(aggregator.pid) - a0)}`);
  console.log(`  headless Chromium, all processes: ${share(sum(pids, cpuSeconds) - c0)}`);
  const byType = new Map(); // renderer, gpu-process (the software compositor), browser, utility
  for (const [p, before] of each0) {
    try {
      const type = /--type=([\w-]+)/.exec(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      byType.set(type, (byType.get(type) ?? 0) + cpuSeconds(p) - before);
    } catch {
      // exited during the window
    }
  }
  console.log(`    ${[...byType].map(([type, cpu]) => `${type} ${((100 * cpu) / wall).toFixed(1)}%`).join(', ')}`);
} finally {
  await browser.close();
  aggregator.kill();
  await fake.close();
}
