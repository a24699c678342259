import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// docs/api is generated from the TSDoc by `npm run docs` (TypeDoc with typedoc-plugin-markdown) and
// committed, so readers can browse it on GitHub. Regenerating it must give the committed copy byte
// for byte: a changed comment or export without `npm run docs` fails here instead of drifting.
// The same run checks that every exported name, and every member of an exported interface or
// class, has TSDoc (members of an object literal, such as the fields of a `*_DEFAULTS` constant,
// are documented by the constant's own comment and the options interface beside it).
const root = path.resolve(__dirname, '../../..');
const committed = path.join(root, 'docs/api');

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) files.set(f, fs.readFileSync(full, 'utf8'));
  }
  return files;
}

describe('the generated API reference (docs/api)', () => {
  let out: string;
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'statuskit-api-'));
    run = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules/typedoc/bin/typedoc'),
        '--out',
        out,
        '--validation.notDocumented',
        '--logLevel',
        'Warn',
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
  }, 130_000);
  afterAll(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('generates without errors, and every exported name has TSDoc', () => {
    const lines = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    const problems = lines.filter(
      (l) =>
        /^\[(warning|error)\]/.test(l) &&
        !/^\[warning\] Found 0 errors and \d+ warnings$/.test(l) &&
        !/^\[warning\] \S+\.__type\.\S+ \(\w+\), defined in .* does not have any documentation$/.test(l),
    );
    expect({ exit: run.status, problems }).toEqual({ exit: 0, problems: [] });
  });

  it('is committed as generated: run `npm run docs` after changing a TSDoc comment or an export', () => {
    const fresh = filesUnder(out);
    const stored = filesUnder(committed);
    expect([...stored.keys()]).toEqual([...fresh.keys()]);
    const stale = [...fresh].filter(([f, text]) => stored.get(f) !== text).map(([f]) => `docs/api/${f}`);
    expect(stale).toEqual([]);
  });

  it('covers the three entry points', () => {
    expect([...filesUnder(committed).keys()]).toEqual(
      expect.arrayContaining(['README.md', 'statuskit.md', 'statuskit/middleware.md', 'statuskit/checks.md']),
    );
  });
});
