import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { CheckStatus } from '../../src/status/CheckStatus';
import type { StatusChange } from '../../src/manager/StatusHistory';
import type { DetailedReport, ResultView } from './healthDocuments';

// The markup is pure ASCII (entities for the arrow and the dots): one non-ASCII character made V8
// build and encode the whole ~90 KB page as a two-byte string, several times slower.
// The page is one self-contained document: its only style and script are the two constants below,
// allowed by hash, so the Content-Security-Policy forbids everything else (no external script, style
// or font, no inline `style=` attribute, no images, no form targets, no framing).
const STYLE = [
  'body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f8fa;color:#1f2328}',
  'header{padding:1.1rem 1.5rem;color:#fff}header h1{margin:0;font-size:1.7rem}header p{margin:.3rem 0 0}',
  'main{padding:1rem 1.5rem}table{border-collapse:collapse;width:100%;background:#fff}',
  'th,td{text-align:left;padding:.5rem .75rem;border-bottom:1px solid #d0d7de;vertical-align:top}',
  'th{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:#57606a}',
  '.b{display:inline-block;min-width:5em;text-align:center;padding:.1rem .5rem;border-radius:1em;color:#fff;font-weight:700;font-size:.8rem}',
  '.OK{background:#1a7f37}.MINOR{background:#9a6700}.MAJOR{background:#bc4c00}.OUTAGE{background:#cf222e}',
  '.DRAINING{background:#57606a}small{color:#57606a}header small{color:#fff}.err{color:#cf222e}',
  'h2{font-size:1rem;margin:0 0 .4rem}section{margin:0 0 1rem}',
  '.tl{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem}',
  '.tl li{padding:0 .4rem;border-radius:.3rem;color:#fff;font-size:.72rem;white-space:nowrap}',
  '.log{margin:0;padding:0;list-style:none}.log li{margin:.15rem 0}.log .b{min-width:4em}',
].join('');

// `time[data-ts]` shows an age ("12s ago"), `time[data-for]` a duration ("3m 12s"), both from the
// server's clock in `data-now`: the rendered page stays the same between changes, only `now` moves.
const SCRIPT =
  '(function(){var n=+document.body.getAttribute("data-now");' +
  'function f(s){return s<60?s+"s":s<3600?Math.floor(s/60)+"m "+s%60+"s":s<86400?' +
  'Math.floor(s/3600)+"h "+Math.floor(s%3600/60)+"m":Math.floor(s/86400)+"d "+Math.floor(s%86400/3600)+"h"}' +
  'function a(ts){return f(Math.max(0,Math.round((n-ts)/1000)))}' +
  'var t=document.querySelectorAll("time[data-ts]");for(var i=0;i<t.length;i++){' +
  'var ts=+t[i].getAttribute("data-ts");t[i].textContent=ts>0?a(ts)+" ago":"never"}' +
  'var d=document.querySelectorAll("time[data-for]");for(var j=0;j<d.length;j++)' +
  'd[j].textContent=a(+d[j].getAttribute("data-for"))})();';

/** Changes shown in a row's timeline and in the system's list; the JSON report carries them all. */
const ROW_CHANGES = 6;
const SYSTEM_CHANGES = 10;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The status page's `Content-Security-Policy`: its own inline style and script by hash, nothing else. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function time(ts: number): string {
  if (!(ts > 0)) return '<time data-ts="0">never</time>';
  const iso = new Date(ts).toISOString();
  return `<time data-ts="${ts}" datetime="${iso}" title="${iso}">${iso}</time>`;
}

function badge(status: string): string {
  return `<span class="b ${status}">${status}</span>`;
}

/** "for 3m 12s" (filled in by the script from `data-for`; the ISO time without it). */
function duration(since: number | undefined): string {
  if (since === undefined || !(since > 0)) return '';
  const iso = new Date(since).toISOString();
  return `for <time class="since" data-for="${since}" datetime="${iso}" title="since ${iso}">since ${iso}</time>`;
}

function changeTitle(c: StatusChange): string {
  return `${escapeHtml(c.from ?? 'new')} &rarr; ${escapeHtml(`${c.to} at ${new Date(c.at).toISOString()}: ${c.message}`)}`;
}

/** A row's recent changes, newest first, as coloured chips with their ages. */
function timeline(history: readonly StatusChange[] | undefined): string {
  if (history === undefined || history.length === 0) return '';
  const chips = history
    .slice(0, ROW_CHANGES)
    .map((c) => `<li class="${c.to}" title="${changeTitle(c)}">${c.to} ${time(c.at)}</li>`);
  const more =
    history.length > ROW_CHANGES ? `<li class="DRAINING">+${history.length - ROW_CHANGES}</li>` : '';
  return `<ol class="tl" aria-label="recent changes, newest first">${chips.join('')}${more}</ol>`;
}

/** The system's last changes, newest first, each with the dependency that moved it. */
function systemChanges(history: readonly StatusChange[] | undefined): string {
  if (history === undefined || history.length === 0) return '';
  const items = history
    .slice(0, SYSTEM_CHANGES)
    .map(
      (c) =>
        `<li>${badge(c.to)} from ${c.from ?? 'none'} &middot; ${time(c.at)} &middot; <strong>${escapeHtml(c.id)}</strong>: ` +
        `${escapeHtml(c.message)}</li>`,
    );
  return `<section id="changes"><h2>Recent changes of the system</h2><ol class="log">${items.join('')}</ol></section>`;
}

function row(r: ResultView): string {
  const doc = /^https?:\/\//i.test(r.documentationUrl ?? '')
    ? ` <small><a href="${escapeHtml(r.documentationUrl!)}" rel="noreferrer">runbook</a></small>`
    : '';
  const desc = r.description ? `<br><small>${escapeHtml(r.description)}</small>` : '';
  const err = r.error
    ? `<br><small class="err">${escapeHtml(`${r.error.name}: ${r.error.message}`)}</small>`
    : '';
  const failures =
    r.consecutiveFailures > 0 ? `<br><small>${r.consecutiveFailures} failed in a row</small>` : '';
  return (
    `<tr><td><strong>${escapeHtml(r.id)}</strong>${doc}${desc}</td><td>${badge(r.status)}` +
    `${r.since === undefined ? '' : `<br><small>${duration(r.since)}</small>`}</td>` +
    `<td>${escapeHtml(r.urgency)}</td><td>${escapeHtml(r.message)}${err}${failures}</td>` +
    `<td>${timeline(r.history)}</td>` +
    `<td>${time(r.timestamp)}<br><small>${r.durationMs} ms</small></td><td>${time(r.lastKnownGoodTimestamp)}</td></tr>`
  );
}

/** How the page is rendered. */
export interface StatusPageOptions {
  /** Seconds between the page's own reloads. */
  refreshSeconds: number;
  /** Whether the service is draining (shown beside the condition). */
  draining: boolean;
}

/**
 * Renders the report as a self-contained HTML page. Everything but the server's clock is rendered
 * and encoded once: the returned function only stitches the current time's bytes between the two
 * encoded halves (the inline script turns the result timestamps into ages with it). Encoding the
 * page per request instead cost milliseconds at 100 dependencies: the halves are long concatenated
 * strings that V8 would flatten again for every request.
 */
export function statusPageRenderer(report: DetailedReport, opts: StatusPageOptions): (now: number) => Buffer {
  const rows: string[] = [];
  let count = 0;
  for (const status of CheckStatus.values) {
    for (const r of report.results[status] ?? []) {
      rows.push(row(r));
      count++;
    }
  }
  const body =
    rows.length > 0 ? rows.join('') : '<tr><td colspan="7">No dependency has reported yet.</td></tr>';
  const condition = report.condition;
  const head =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta http-equiv="refresh" content="${opts.refreshSeconds}">` +
    `<title>${condition} &middot; ${escapeHtml(report.appname)}</title><style>${STYLE}</style></head><body data-now="`;
  const tail =
    `"><header class="${opts.draining ? 'DRAINING' : condition}"><h1>${escapeHtml(report.appname)}: ${condition}` +
    `${opts.draining ? ' (draining)' : ''}</h1><p>${report.since === undefined ? '' : `${condition} ${duration(report.since)} &middot; `}` +
    `${escapeHtml(report.hostname)} &middot; ${report.dcStatus} &middot; ` +
    `${count} ${count === 1 ? 'dependency' : 'dependencies'} &middot; oldest result ` +
    `${time(report.leastRecentlyExecutedTimestamp)} &middot; refreshes every ${opts.refreshSeconds}s</p></header>` +
    `<main>${systemChanges(report.history)}<table><thead><tr><th>Dependency</th><th>Status</th><th>Urgency</th><th>Message</th><th>Recent changes</th>` +
    `<th>Checked</th><th>Last known good</th></tr></thead><tbody>${body}</tbody></table></main>` +
    `<script>${SCRIPT}</script></body></html>`;
  const headBytes = Buffer.from(head);
  const tailBytes = Buffer.from(tail);
  const fixed = headBytes.length + tailBytes.length;
  return (now: number) => {
    const clock = Buffer.from(String(now), 'latin1');
    return Buffer.concat([headBytes, clock, tailBytes], fixed + clock.length);
  };
}

/** Writes the HTML status page with its strict Content-Security-Policy. */
export function sendHtml(res: ServerResponse, statusCode: number, body: Buffer): void {
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', STATUS_PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Vary', 'Accept');
  res.end(body);
}
