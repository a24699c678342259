import { ConfigError } from '../errors/ConfigError';
import { assertNumber } from '../validation/assert';
import { probeUrl } from './probeUrl';

/** What `statuskit-probe` probes and for how long. */
export interface ProbeArgs {
  /** The URL to `GET`. */
  readonly url: URL;
  /** The bound on the whole probe: connection, headers and body. */
  readonly timeoutMs: number;
}

/** Defaults of `statuskit-probe`. */
export const PROBE_DEFAULTS = Object.freeze({
  /** Shorter than Docker's 30 s `HEALTHCHECK --timeout` and a kubelet's patience alike. */
  timeoutMs: 3000,
  /** The port when `PORT` is unset or empty. */
  port: 3000,
  /** Readiness: the question a container health check asks. */
  path: '/readyz',
});

/** The usage line `statuskit-probe` prints after a usage error. */
export const PROBE_USAGE = 'usage: statuskit-probe [url] [--timeout ms]';

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('url', text, 'an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('url', text, 'an http:// or https:// URL');
  }
  return url;
}

function parseTimeout(text: string | undefined): number {
  const ms = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (Number.isNaN(ms)) throw new ConfigError('--timeout', text, 'a number of milliseconds');
  return assertNumber('--timeout', ms, { integer: true, min: 1, max: 600_000 });
}

function defaultUrl(env: NodeJS.ProcessEnv): URL {
  const given = env.PORT;
  const port = given === undefined || given === '' ? PROBE_DEFAULTS.port : Number(given);
  assertNumber('PORT', Number.isNaN(port) ? given : port, { integer: true, min: 1, max: 65_535 });
  return new URL(`http://127.0.0.1:${port}${PROBE_DEFAULTS.path}`);
}

/**
 * Reads `statuskit-probe`'s arguments: `[url] [--timeout ms]` (also `--timeout=ms`), in any order.
 * Without a URL, `http://127.0.0.1:${PORT:-3000}/readyz`.
 * @throws ConfigError naming the bad argument (`url`, `--timeout`, `PORT`) or an unknown one.
 */
export function parseProbeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ProbeArgs {
  let url: URL | undefined;
  let timeoutMs: number = PROBE_DEFAULTS.timeoutMs;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--timeout') {
      timeoutMs = parseTimeout(argv[++i]);
    } else if (arg.startsWith('--timeout=')) {
      timeoutMs = parseTimeout(arg.slice('--timeout='.length));
    } else if (arg.startsWith('-')) {
      throw new ConfigError('arguments', arg, 'a URL or --timeout ms');
    } else if (url === undefined) {
      url = parseUrl(arg);
    } else {
      throw new ConfigError('arguments', arg, 'one URL only');
    }
  }
  return { url: url ?? defaultUrl(env), timeoutMs };
}

/** Where {@link probeCommand} writes its one line. */
export interface ProbeOutput {
  /** The line on success. */
  out(line: string): void;
  /** The line on failure or a usage error. */
  err(line: string): void;
}

/**
 * `statuskit-probe [url] [--timeout ms]`: resolves 0 when `url` answers 2xx within the timeout, 1
 * otherwise (refused, unresolvable, no answer in time, any other status), 2 on bad arguments,
 * having written one line (the status and the start of the body, the failure, or the usage error).
 * For Docker's `HEALTHCHECK` in images without curl.
 */
export async function probeCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: ProbeOutput,
): Promise<0 | 1 | 2> {
  let args: ProbeArgs;
  try {
    args = parseProbeArgs(argv, env);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : String(err);
    output.err(`statuskit-probe: ${message} (${PROBE_USAGE})`);
    return 2;
  }
  const outcome = await probeUrl(args.url, args.timeoutMs);
  if (!outcome.ok) {
    output.err(outcome.line);
    return 1;
  }
  output.out(outcome.line);
  return 0;
}
