import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The path of a compiled `Outbox.js` for child-process fixtures, and a cleanup. Uses `dist/` when it
 * is at least as new as every file in `src/` (as after `npm test`'s build); otherwise compiles the
 * outbox and what it imports into a private temporary directory (a few seconds), so a stale or
 * concurrently rebuilt `dist/` never decides the outcome.
 */
export function compiledOutbox(): { modulePath: string; cleanup: () => void } {
  const distPath = path.join(ROOT, 'dist/src/outbox/Outbox.js');
  if (fs.existsSync(distPath) && fs.statSync(distPath).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) {
    return { modulePath: distPath, cleanup: () => undefined };
  }
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuskit-outbox-build-'));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const flags = ['--module', 'commonjs', '--target', 'es2022', '--esModuleInterop', '--skipLibCheck'];
  execFileSync(
    process.execPath,
    [
      tsc,
      path.join(ROOT, 'src/outbox/Outbox.ts'),
      '--outDir',
      outDir,
      '--rootDir',
      ROOT,
      '--types',
      'node',
      ...flags,
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  return {
    modulePath: path.join(outDir, 'src/outbox/Outbox.js'),
    cleanup: () => fs.rmSync(outDir, { recursive: true, force: true }),
  };
}
