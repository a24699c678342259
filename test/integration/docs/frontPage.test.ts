import fs from 'node:fs';
import path from 'node:path';

// The README is the front page: what statuskit is, the two commands, install, a quick start and a
// map of the guide. Reference material lives in docs/ (guide pages) and docs/api (generated), so
// the front page cannot grow back into a manual.
const root = path.resolve(__dirname, '../../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8').split('\n');

describe('README.md as a front page', () => {
  it('shows the demo and test commands within its first 40 lines', () => {
    const top = readme.slice(0, 40).join('\n');
    expect(top).toContain('npm ci && npm run demo');
    expect(top).toContain('npm ci && npm test');
  });

  it('stays short: at most 450 lines and 20 headings', () => {
    expect(readme.length).toBeLessThanOrEqual(450);
    expect(readme.filter((l) => /^#{1,6} /.test(l)).length).toBeLessThanOrEqual(20);
  });

  it('links every guide page from its capability table or its production notes', () => {
    const linked = new Set([...readme.join('\n').matchAll(/\]\((docs\/[^)#]+\.md)/g)].map((m) => m[1]));
    const pages = fs
      .readdirSync(path.join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });
});
