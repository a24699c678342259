#!/usr/bin/env node
// `npm run bench [-- filter...] [--quick] [--cpu-prof] [--callgrind] ...`: compiles the sources and
// bench/ to dist-bench (tsc emits even when files under construction have type errors), then runs
// the benchmark runner with the same arguments. See bench/README.md.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.bench.json'], { cwd: root, stdio: 'inherit' });
if (tsc.error) {
  console.error(`bench: could not run tsc: ${tsc.error.message}`);
  process.exit(1);
}
if (tsc.status !== 0) console.error('bench: tsc reported type errors (above); running what it emitted');
const run = spawnSync(
  process.execPath,
  [path.join(root, 'dist-bench/bench/run.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);
