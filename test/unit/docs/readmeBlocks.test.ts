import { normaliseOutput, runnableBlocks } from '../../support/readmeBlocks';

describe('README block extraction', () => {
  it('finds runnable blocks and the output documented after them', () => {
    const md = [
      'text',
      '<!-- runnable -->',
      '```ts',
      "console.log('a 12')",
      '```',
      '',
      'prints',
      '',
      '```',
      'a 12',
      '```',
      '```ts',
      'not runnable',
      '```',
      '<!-- runnable -->',
      '```ts',
      'x()',
      '```',
      'Some prose.',
    ].join('\n');
    expect(runnableBlocks(md)).toEqual([
      { line: 3, code: "console.log('a 12')", output: 'a 12' },
      { line: 16, code: 'x()' },
    ]);
  });

  it('compares output without the numbers that vary between runs', () => {
    expect(normaliseOutput('  waited 1234 ms, then 5.5 s ')).toBe('waited # ms, then # s');
  });
});
