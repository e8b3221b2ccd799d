#!/usr/bin/env node
import { loadConfig } from './config.js';
import { createAggregator } from './aggregator.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`aggregator: ${error.message}`);
  process.exit(2);
}
const aggregator = createAggregator(config);
try {
  await aggregator.start();
} catch (error) {
  console.error(`aggregator: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
}
console.log(`MiniKafka aggregator on ${aggregator.url} (dashboard, /api/stream, /ws)`);
console.log(`  broker ${config.brokerUrl}; services ${Object.entries(config.services).map(([n, u]) => `${n} ${u}`).join(', ')}`);
console.log(`  ${config.snapshotsPerSec} snapshots/s, history ${config.historySize}; UI from ${config.uiDist}`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (closing) process.exit(1);
    closing = true;
    await aggregator.close();
    process.exit(0);
  });
}
