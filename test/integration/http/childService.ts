import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(__dirname, '../../..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Builds dist/ with the project's build config when it is missing or older than the sources. */
export function ensureBuilt(): void {
  const built = [
    'src/manager/DependencyManager.js',
    'middleware/health/healthRoutes.js',
    'middleware/gracefulShutdown.js',
  ]
    .map((f) => path.join(root, 'dist', f))
    .map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0));
  if (Math.min(...built) >= Math.max(newestSource('src'), newestSource('middleware'))) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'ignore',
      timeout: 180_000,
    });
  } catch {
    // tsc exits non-zero on type errors in files being edited elsewhere but still emits JavaScript
  }
}

/** One JSON line the child printed. */
export type ChildEvent = { event: string } & Record<string, unknown>;

/** The fixture service running in a child process. */
export interface ChildService {
  child: ChildProcess;
  port: number;
  events: ChildEvent[];
  /** Resolves with the first event named `name` (already seen or future). */
  next(name: string): Promise<ChildEvent>;
  /** Resolves with the exit code (or signal) once the child is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/integration/http/fixtures/shutdownChild.js and waits until it serves. */
export async function startChild(env: Record<string, string>): Promise<ChildService> {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures/shutdownChild.js')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: ChildEvent[] = [];
  const waiters: { name: string; resolve: (e: ChildEvent) => void }[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const e = JSON.parse(line) as ChildEvent;
    events.push(e);
    for (const w of waiters.filter((w) => w.name === e.event)) w.resolve(e);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const next = (name: string): Promise<ChildEvent> => {
    const seen = events.find((e) => e.event === name);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ name, resolve });
      void exited.then(() => setTimeout(() => reject(new Error(`child exited before "${name}"`)), 50));
    });
  };
  const listening = await next('listening');
  return { child, port: Number(listening.port), events, next, exited };
}
