/** What an answer must never show: a stack trace, a source location, an engine error's text. */
const STACK_PATTERNS: readonly RegExp[] = [
  /\n\s*at \S/, // a stack frame line
  /\bat [\w.<>$]+ \([^)]*:\d+:\d+\)/, // "at fn (file:line:col)" on one line
  /node_modules[\\/]/,
  /\.[cm]?[jt]s:\d+(?::\d+)?\b/, // file:line[:col] of a source file
  /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|URIError): /,
];

/**
 * The reasons `text` (an HTTP answer's body) is unsafe to show a client: a stack trace, a source
 * location, or one of `secrets`. A pattern that already occurs in `echoed` (what the client itself
 * sent) does not count: answers may repeat a client's own input. Empty when it is safe.
 */
export function unsafeParts(text: string, secrets: readonly string[] = [], echoed = ''): string[] {
  const found: string[] = [];
  for (const p of STACK_PATTERNS) if (p.test(text) && !p.test(echoed)) found.push(`matches ${String(p)}`);
  for (const s of secrets)
    if (s !== '' && text.includes(s)) found.push(`contains a secret (${s.slice(0, 4)}…)`);
  return found;
}
