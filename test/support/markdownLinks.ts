import fs from 'node:fs';
import path from 'node:path';

/** A relative link found in a Markdown file: its target path (may be empty) and `#anchor`. */
export interface MarkdownLink {
  /** 1-based line of the link. */
  line: number;
  /** The link as written, e.g. `docs/retry.md#the-backoff-schedule`. */
  href: string;
  /** The path part, decoded; `''` for a link to an anchor of the same page. */
  target: string;
  /** The anchor without `#`, decoded, or `undefined` when the link has none. */
  anchor?: string;
}

/** Lines outside fenced code blocks, with inline code spans blanked, so examples are not read as Markdown. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = undefined;
      return '';
    }
    if (open) {
      fence = open[1];
      return '';
    }
    return line.replace(/(`+)[^`]*?\1/g, (m) => ' '.repeat(m.length));
  });
}

/**
 * GitHub's anchor for a heading text (the rules of github-slugger, which github.com uses): the
 * rendered text lower-cased, every character that is not a letter, a digit, a mark, a space, `-` or
 * `_` dropped, spaces turned into `-`.
 */
export function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/<[^>]+>/g, '') // inline HTML such as <a id="…"></a>
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1') // backslash escapes render as the character
    .replace(/(\*\*|__|\*|`|~~)/g, ''); // emphasis and code markers
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers: its headings' slugs (repeats numbered -1, -2, … as GitHub does) and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const raw = markdown.split('\n');
  proseLines(markdown).forEach((prose, i) => {
    if (prose === '') return; // blank, or inside a fenced block
    const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw[i]);
    if (heading) {
      const base = githubSlug(heading[2]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of raw[i].matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  });
  return anchors;
}

/** The relative links of a page (inline links, images and reference definitions); URLs with a scheme are left out. */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((prose, i) => {
    const hrefs = [
      ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
      ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1]),
    ];
    for (const href of hrefs) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:, …
      const hash = href.indexOf('#');
      const target = decodeURIComponent(hash === -1 ? href : href.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(href.slice(hash + 1));
      links.push({ line: i + 1, href, target, ...(anchor === undefined ? {} : { anchor }) });
    }
  });
  return links;
}

/** Every `.md` file under `dir`, recursively, sorted. */
export function markdownFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(dir, f))
    .sort();
}

/**
 * The links of `file` that do not resolve: a target that is not an existing file or folder, or an
 * anchor that is not a heading (or HTML id) of the Markdown page it points to. Messages read
 * `README.md:12 docs/x.md#y: no heading #y in docs/x.md`.
 */
export function brokenLinks(file: string, root: string): string[] {
  const markdown = fs.readFileSync(file, 'utf8');
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (page: string) => {
    let set = anchorCache.get(page);
    if (!set) anchorCache.set(page, (set = anchorsOf(fs.readFileSync(page, 'utf8'))));
    return set;
  };
  const problems: string[] = [];
  const where = path.relative(root, file);
  for (const link of relativeLinks(markdown)) {
    const resolved = link.target === '' ? file : path.resolve(path.dirname(file), link.target);
    const shown = path.relative(root, resolved);
    if (!fs.existsSync(resolved)) {
      problems.push(`${where}:${link.line} ${link.href}: ${shown} does not exist`);
      continue;
    }
    if (link.anchor === undefined) continue;
    if (!resolved.endsWith('.md')) continue; // GitHub anchors into source files (#L10) are not headings
    if (!anchorsIn(resolved).has(link.anchor))
      problems.push(`${where}:${link.line} ${link.href}: no heading #${link.anchor} in ${shown}`);
  }
  return problems;
}
