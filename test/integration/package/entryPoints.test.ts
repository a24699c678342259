import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

// Packs the built package exactly as npm would publish it, installs the tarball's contents into a
// consumer directory inside the repo (so its dependencies resolve from our node_modules without a
// registry), then loads every entry point with require() and with import() in a child process.
const root = path.resolve(__dirname, '../../..');
const consumer = path.join(root, 'test/artifacts/pack-consumer');
const entries = ['statuskit', 'statuskit/middleware', 'statuskit/checks'];

function packedFiles(tarball: string): string[] {
  return execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function run(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
}

describe('published package', () => {
  let tarball: string;

  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'dist/src/index.js'))) {
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore', timeout: 120_000 });
    }
    fs.rmSync(consumer, { recursive: true, force: true });
    fs.mkdirSync(path.join(consumer, 'node_modules/statuskit'), { recursive: true });
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', consumer], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    tarball = path.join(consumer, out.trim().split('\n').pop()!);
    execFileSync('tar', [
      'xzf',
      tarball,
      '-C',
      path.join(consumer, 'node_modules/statuskit'),
      '--strip-components=1',
    ]);
    fs.writeFileSync(path.join(consumer, 'package.json'), '{"name":"consumer","private":true}');
  }, 180_000);

  it('ships dist, the sources its maps point to, and the docs', () => {
    const files = packedFiles(tarball);
    expect(
      files.every((f) =>
        /^package\/((dist\/)?(src|middleware|checks)\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(
          f,
        ),
      ),
    ).toBe(true);
    expect(files).toEqual(
      expect.arrayContaining(['package/dist/src/index.d.ts', 'package/src/index.ts', 'package/LICENSE']),
    );
  });

  it('every source map (code and declarations) points at sources inside the package', () => {
    const pkg = path.join(consumer, 'node_modules/statuskit');
    const maps = packedFiles(tarball).filter((f) => f.endsWith('.map'));
    // One .js.map and one .d.ts.map per compiled module, so go-to-definition and stack traces reach the .ts.
    expect(maps).toEqual(
      expect.arrayContaining(['package/dist/src/index.js.map', 'package/dist/checks/index.d.ts.map']),
    );
    const unresolved: string[] = [];
    for (const map of maps) {
      const file = path.join(pkg, map.slice('package/'.length));
      const { sources, sourceRoot = '' } = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        const resolved = path.resolve(path.dirname(file), sourceRoot, source);
        if (!resolved.startsWith(pkg + path.sep) || !fs.existsSync(resolved))
          unresolved.push(`${map}: ${source}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  it.each(entries)('require(%p) works', (entry) => {
    const out = run(['-e', `console.log(typeof require(${JSON.stringify(entry)}))`], consumer);
    expect(out.trim()).toBe('object');
  });

  it.each(entries)('import(%p) works with named exports', (entry) => {
    const out = run(
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length > 0)`,
      ],
      consumer,
    );
    expect(out.trim()).toBe('true');
  });

  it('exposes the same CheckStatus through require and import', () => {
    const cjs = run(['-e', "console.log(require('statuskit').CheckStatus.worst('OK','MAJOR'))"], consumer);
    const esm = run(
      [
        '--input-type=module',
        '-e',
        "import { CheckStatus } from 'statuskit'; console.log(CheckStatus.worst('OK','MAJOR'))",
      ],
      consumer,
    );
    expect(cjs.trim()).toBe('MAJOR');
    expect(esm.trim()).toBe('MAJOR');
  });

  it('ships the statuskit-probe bin, which runs from the installed package with plain Node', () => {
    const pkg = path.join(consumer, 'node_modules/statuskit');
    const { bin } = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const script = path.join(pkg, bin['statuskit-probe']);
    expect(packedFiles(tarball)).toContain(`package/${path.posix.normalize(bin['statuskit-probe'])}`);
    expect(fs.readFileSync(script, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    // Plain Node: the modules it loads, followed from the bin, require only Node's built-ins.
    const external = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
        if (spec.startsWith('.')) visit(require.resolve(path.resolve(path.dirname(file), spec)));
        else external.add(spec);
      }
    };
    visit(script);
    expect(seen.size).toBeGreaterThan(2);
    expect([...external].filter((m) => !builtinModules.includes(m.replace(/^node:/, '')))).toEqual([]);
    // A bad URL exits 2 before any I/O: this proves the bin loads with nothing but the package.
    let failure: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [script, 'ftp://example.org/'], { cwd: consumer, encoding: 'utf8' });
    } catch (err) {
      failure = err as typeof failure;
    }
    expect(failure.status).toBe(2);
    expect(failure.stderr).toMatch(/^statuskit-probe: [^\n]+\n$/);
  });

  it('types resolve for every entry point under node10, node16 (CJS and ESM) and bundler (attw)', () => {
    const attw = path.join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    const out = execFileSync(process.execPath, [attw, tarball, '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const report = JSON.parse(out) as {
      analysis: { problems: unknown[]; entrypoints: Record<string, unknown> };
    };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './checks',
      './middleware',
      './package.json',
    ]);
    expect(report.analysis.problems).toEqual([]);
  }, 120_000);
});
