import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ensureBuilt } from '../../support/DemoProcess';
import { markdownFilesUnder } from '../../support/markdownLinks';
import { normaliseOutput, runnableBlocks } from '../../support/readmeBlocks';
import { RedisServer } from '../../support/RedisServer';

// Every code block marked `<!-- runnable -->` in the README and the guide (docs/, the generated API
// reference aside: it has no runnable blocks) runs as a user would run it (ESM, top-level await,
// importing 'statuskit' by name) and must exit 0 by itself — which also proves it leaves no handle
// open — and print every line of the output documented after it, numbers aside.
const root = path.resolve(__dirname, '../../..');
const pages = [
  path.join(root, 'README.md'),
  ...markdownFilesUnder(path.join(root, 'docs')).filter((f) => !f.startsWith(path.join(root, 'docs/api/'))),
];
const blocks = pages.flatMap((file) => {
  const page = path.relative(root, file);
  return runnableBlocks(fs.readFileSync(file, 'utf8')).map((block) => ({ page, ...block }));
});
const workdir = path.join(root, 'test/artifacts/readme');

describe('README and guide examples', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(workdir, { recursive: true });
    redis = await RedisServer.start();
  }, 120_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('has runnable examples', () => {
    // The quick start stays on the front page; every guide page with a runnable example keeps it.
    expect(blocks.filter((b) => b.page === 'README.md').length).toBe(1);
    expect(blocks.length).toBeGreaterThanOrEqual(12);
  });

  it.each(blocks.map((b) => [`${b.page}:${b.line}`, b] as const))(
    'the example at %s runs and prints what the page says',
    (where, block) => {
      // CommonJS examples (require) run as .cjs, as written; the others as ES modules.
      const cjs = /\brequire\(/.test(block.code) && !/^import /m.test(block.code);
      const js = ts.transpileModule(block.code, {
        compilerOptions: {
          module: cjs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      }).outputText;
      const file = path.join(workdir, `example-${where.replace(/[/:.]/g, '-')}.${cjs ? 'cjs' : 'mjs'}`);
      fs.writeFileSync(file, js);
      const run = spawnSync(process.execPath, [file], {
        cwd: root,
        encoding: 'utf8',
        timeout: 45_000,
        env: { ...process.env, REDIS_URL: redis.url, LOG_LEVEL: 'silent' },
      });
      const out = `${run.stdout}\n${run.stderr}`;
      expect({ where, exit: run.status, signal: run.signal }).toEqual({
        where,
        exit: 0,
        signal: null,
        ...(run.status === 0 ? {} : { out }),
      });
      if (block.output !== undefined) {
        const actual = new Set(out.split('\n').map(normaliseOutput));
        const missing = block.output
          .split('\n')
          .map(normaliseOutput)
          .filter((l) => l !== '' && !actual.has(l));
        expect({ where, missing }).toEqual({ where, missing: [] });
      }
    },
    60_000,
  );
});
