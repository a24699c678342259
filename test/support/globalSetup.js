// Fails fast, with a clear message, when a system dependency of the real-server suites is missing.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function globalSetup() {
  for (const bin of ['redis-server', 'redis-cli']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
      throw new Error(
        `${bin} is not installed: run \`npm test\` (it installs it) or \`apt-get install redis-server\``,
      );
    }
  }
  const initdb = path.join(process.env.STATUSKIT_PG_BIN || '/usr/lib/postgresql/15/bin', 'initdb');
  if (!fs.existsSync(initdb)) {
    throw new Error(
      `PostgreSQL is not installed (no ${initdb}): run \`npm test\` (it installs it) or \`apt-get install postgresql\``,
    );
  }
};
