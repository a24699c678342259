import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ensureBuilt } from '../../support/DemoProcess';
import { normaliseOutput, runnableBlocks } from '../../support/readmeBlocks';
import { RedisServer } from '../../support/RedisServer';

// Every README code block marked `<!-- runnable -->` runs as a user would run it (ESM, top-level
// await, importing 'statuskit' by name) and must exit 0 by itself — which also proves it leaves no
// handle open — and print every line of the output documented after it, numbers aside.
const root = path.resolve(__dirname, '../../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = runnableBlocks(readme);
const workdir = path.join(root, 'test/artifacts/readme');

describe('README examples', () => {
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
    expect(blocks.length).toBeGreaterThanOrEqual(11);
  });

  it.each(blocks.map((b) => [b.line, b] as const))(
    'the example at README.md:%i runs and prints what the README says',
    (line, block) => {
      // CommonJS examples (require) run as .cjs, as written; the others as ES modules.
      const cjs = /\brequire\(/.test(block.code) && !/^import /m.test(block.code);
      const js = ts.transpileModule(block.code, {
        compilerOptions: {
          module: cjs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      }).outputText;
      const file = path.join(workdir, `example-${line}.${cjs ? 'cjs' : 'mjs'}`);
      fs.writeFileSync(file, js);
      const run = spawnSync(process.execPath, [file], {
        cwd: root,
        encoding: 'utf8',
        timeout: 45_000,
        env: { ...process.env, REDIS_URL: redis.url, LOG_LEVEL: 'silent' },
      });
      const out = `${run.stdout}\n${run.stderr}`;
      expect({ line, exit: run.status, signal: run.signal }).toEqual({
        line,
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
        expect({ line, missing }).toEqual({ line, missing: [] });
      }
    },
    60_000,
  );
});
