/** A TypeScript block of the README marked `<!-- runnable -->`, and the output documented after it. */
export interface RunnableBlock {
  /** 1-based line of the code fence in the README. */
  line: number;
  code: string;
  /** The block after a "prints" line that follows the code, if any. */
  output?: string;
}

/**
 * Finds every fenced `ts` block preceded by `<!-- runnable -->`, and the documented output: the
 * next fenced block when the only text between the two is a line ending in "prints" or "prints:".
 */
export function runnableBlocks(markdown: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '<!-- runnable -->') continue;
    const open = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const close = lines.findIndex((l, j) => j > open && l.startsWith('```'));
    const block: RunnableBlock = { line: open + 1, code: lines.slice(open + 1, close).join('\n') };
    let k = close + 1;
    while (k < lines.length && lines[k].trim() === '') k++;
    if (/prints:?$/.test(lines[k]?.trim() ?? '')) {
      const outOpen = lines.findIndex((l, j) => j > k && l.startsWith('```'));
      const outClose = lines.findIndex((l, j) => j > outOpen && l.startsWith('```'));
      block.output = lines.slice(outOpen + 1, outClose).join('\n');
      i = outClose;
    } else {
      i = close;
    }
    blocks.push(block);
  }
  return blocks;
}

/** Numbers vary between runs (timings, timestamps, ports, jittered delays): compare without them. */
export function normaliseOutput(line: string): string {
  return line
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}
