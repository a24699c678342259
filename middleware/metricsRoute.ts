import { Router, type Request, type Response } from 'express';
import {
  register as globalRegistry,
  Registry,
  type Metric,
  type OpenMetricsContentType,
  type RegistryContentType,
} from 'prom-client';
import { ConfigError } from '../src/errors/ConfigError';
import { resolveRegistry } from '../src/metrics/registry';

const OPENMETRICS = 'application/openmetrics-text';

/** A prom-client registry of either exposition format. */
export type AnyRegistry = Registry<RegistryContentType>;

interface MetricLike {
  name: string;
  help: string;
  type: string;
  get(): Promise<{ name: string } & Record<string, unknown>> | ({ name: string } & Record<string, unknown>);
  getForPromString?: () => Promise<{ name: string } & Record<string, unknown>>;
}

/**
 * An OpenMetrics rendering of `registry` that leaves it untouched. prom-client renders OpenMetrics
 * only registry-wide and, doing so, renames every counter in place (dropping `_total`), which would
 * break the Prometheus text served next. So each metric is wrapped in a view that carries the
 * OpenMetrics name, inside a throw-away registry.
 */
async function openMetrics(registry: AnyRegistry): Promise<string> {
  // prom-client's typings omit the constructor's content-type parameter.
  const OpenRegistry = Registry as unknown as new (
    type: OpenMetricsContentType,
  ) => Registry<OpenMetricsContentType>;
  const view = new OpenRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
  const labels = (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels;
  if (labels && Object.keys(labels).length > 0) view.setDefaultLabels(labels);
  for (const m of registry.getMetricsAsArray() as unknown as MetricLike[]) {
    const counter = m.type === 'counter';
    const rename = <T extends { name: string }>(data: T): T =>
      counter ? { ...data, name: data.name.replace(/_total$/, '') } : data;
    const wrapped: MetricLike = {
      name: m.name,
      help: m.help,
      type: m.type,
      get: async () => rename(await m.get()),
    };
    if (typeof m.getForPromString === 'function') {
      const getForPromString = m.getForPromString.bind(m);
      wrapped.getForPromString = async () => rename(await getForPromString());
    }
    view.registerMetric(wrapped as unknown as Metric);
  }
  return view.metrics();
}

function wantsOpenMetrics(req: Request): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && accept.includes(OPENMETRICS);
}

/**
 * `GET /metrics` in the Prometheus text format, or OpenMetrics when the scraper asks for
 * `application/openmetrics-text` in `Accept`. A collector that throws answers 500 without details.
 *
 * @param registry the prom-client registry to expose. @default prom-client's global registry
 * @example
 * app.use(metricsRoute());
 */
export function metricsRoute(registry?: AnyRegistry): Router {
  const reg = resolveRegistry(registry ?? globalRegistry) as AnyRegistry | undefined;
  if (reg === undefined) throw new ConfigError('registry', registry, 'a prom-client Registry');
  const router = Router();
  router.get('/metrics', async function statuskitMetrics(req: Request, res: Response) {
    let body: string;
    let type: string;
    try {
      const open = wantsOpenMetrics(req) && reg.contentType === Registry.PROMETHEUS_CONTENT_TYPE;
      body = open ? await openMetrics(reg) : await reg.metrics();
      type = open ? Registry.OPENMETRICS_CONTENT_TYPE : String(reg.contentType);
    } catch {
      res.status(500).set('Cache-Control', 'no-store').type('text/plain').send('metrics collection failed');
      return;
    }
    res.status(200).set('Cache-Control', 'no-store').set('Content-Type', type).send(body);
  });
  return router;
}
