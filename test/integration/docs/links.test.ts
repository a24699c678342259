import fs from 'node:fs';
import path from 'node:path';
import { brokenLinks, markdownFilesUnder } from '../../support/markdownLinks';

// Every relative link and #anchor of the README, the guide, the generated API reference and the
// project's own pages must resolve to an existing file and heading, with GitHub's anchor rules, so
// moving or renaming a section can never leave a reader on a dead link. No network: URLs with a
// scheme are not followed.
const root = path.resolve(__dirname, '../../..');
const topLevel = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md']
  .map((f) => path.join(root, f))
  .filter((f) => fs.existsSync(f));
const pages = [...topLevel, ...markdownFilesUnder(path.join(root, 'docs'))];

describe('Markdown links', () => {
  it('checks the README, the guide and the API reference', () => {
    const names = pages.map((f) => path.relative(root, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/api/README.md']));
  });

  it.each(pages.map((f) => [path.relative(root, f), f] as const))(
    'every link in %s resolves',
    (_name, file) => {
      expect(brokenLinks(file, root)).toEqual([]);
    },
  );

  it('the README links every guide page, and the guide links every page of docs/', () => {
    const linked = (file: string) =>
      new Set(
        [...fs.readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+\.md)(?:#[^)]*)?\)/g)].map((m) =>
          path.resolve(path.dirname(file), m[1]),
        ),
      );
    const guide = markdownFilesUnder(path.join(root, 'docs')).filter(
      (f) => path.dirname(f) === path.join(root, 'docs') && path.basename(f) !== 'README.md',
    );
    const fromGuide = linked(path.join(root, 'docs/README.md'));
    expect(guide.filter((f) => !fromGuide.has(f)).map((f) => path.relative(root, f))).toEqual([]);
    expect(linked(path.join(root, 'README.md')).has(path.join(root, 'docs/README.md'))).toBe(true);
  });
});
