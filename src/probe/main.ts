#!/usr/bin/env node
// The `statuskit-probe` command (package.json `bin`). Exits as soon as the probe settles: the
// request is destroyed by then, and writes to a pipe or file are synchronous in Node on Linux.
import { probeCommand } from './probeCommand';

probeCommand(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`statuskit-probe: ${String(err)}\n`);
    process.exit(1);
  },
);
