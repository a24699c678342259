// Fails fast, with a clear message, when a system dependency of the real-Redis suites is missing.
const { spawnSync } = require('node:child_process');

module.exports = async function globalSetup() {
  for (const bin of ['redis-server', 'redis-cli']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
      throw new Error(
        `${bin} is not installed: run \`npm test\` (it installs it) or \`apt-get install redis-server\``,
      );
    }
  }
};
