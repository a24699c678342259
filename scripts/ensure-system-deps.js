#!/usr/bin/env node
// Installs the Debian packages the test suite runs for real (redis-server; PostgreSQL for the
// PostgreSQL outbox and check; chromium for the browser test) when they are missing. CI machines are fresh and we run as root.
'use strict';
const { execSync, spawnSync } = require('node:child_process');

const pgBin = process.env.STATUSKIT_PG_BIN || '/usr/lib/postgresql/15/bin';
const wanted = [
  { bin: 'redis-server', pkg: 'redis-server' },
  { bin: 'redis-cli', pkg: 'redis-tools' },
  { bin: 'chromium', pkg: 'chromium' },
  // Debian keeps the server binaries off PATH; the test harness runs them from here.
  { bin: `${pgBin}/initdb`, pkg: 'postgresql' },
];
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = wanted.filter((w) => !has(w.bin));
if (missing.length === 0) process.exit(0);

const pkgs = [...new Set(missing.map((m) => m.pkg))].join(' ');
console.log(`statuskit tests: installing ${pkgs} with apt-get`);
const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
try {
  execSync(`${sudo}apt-get update -qq`, { stdio: 'inherit', timeout: 300_000 });
  execSync(
    `${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkgs}`,
    {
      stdio: 'inherit',
      timeout: 600_000,
    },
  );
} catch (err) {
  console.error(`statuskit tests: could not install ${pkgs}: ${err.message}`);
  process.exit(1);
}
const still = wanted.filter((w) => !has(w.bin));
if (still.length) {
  console.error(`statuskit tests: still missing after install: ${still.map((s) => s.bin).join(', ')}`);
  process.exit(1);
}
