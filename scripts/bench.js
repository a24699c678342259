#!/usr/bin/env node
// `npm run bench [-- filter...] [--quick] [--cpu-prof] [--callgrind] ...`: installs the libraries
// the benchmarks compare against (bench/peers, a package of its own) when they are missing or
// older than its lockfile, compiles the sources and bench/ to dist-bench (tsc emits even when files
// under construction have type errors), then runs the benchmark runner with the same arguments.
// See bench/README.md.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const peers = path.join(root, 'bench/peers');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

// npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale.
if (
  mtime(path.join(peers, 'node_modules/.package-lock.json')) < mtime(path.join(peers, 'package-lock.json'))
) {
  console.error('bench: installing the compared libraries (npm ci --prefix bench/peers)');
  const ci = spawnSync('npm', ['ci', '--prefix', peers, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (ci.status !== 0)
    console.error('bench: npm ci in bench/peers failed; the peer scenarios will be reported missing');
}

const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.bench.json'], { cwd: root, stdio: 'inherit' });
if (tsc.error) {
  console.error(`bench: could not run tsc: ${tsc.error.message}`);
  process.exit(1);
}
if (tsc.status !== 0) console.error('bench: tsc reported type errors (above); running what it emitted');

// The compiled peers resolve their libraries as the sources do: from bench/peers/node_modules.
const link = path.join(root, 'dist-bench/bench/peers/node_modules');
fs.rmSync(link, { recursive: true, force: true });
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync(path.join(peers, 'node_modules'), link, 'dir');

const run = spawnSync(
  process.execPath,
  [path.join(root, 'dist-bench/bench/run.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);
