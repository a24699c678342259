import { expectTypeOf } from 'expect-type';
import {
  DependencyManager,
  type CheckOutcome,
  type Dependency,
  type DependencyManagerOptions,
} from 'statuskit';
import { httpCheck, redisCheck, tcpCheck, type TcpCheckOptions } from 'statuskit/checks';
import {
  healthRoutes,
  requireDependency,
  shortCircuit,
  type ShortCircuitOptions,
} from 'statuskit/middleware';

/** Option objects are checked field by field: a wrong type or an unknown key does not compile. */
export function optionTypes(manager: DependencyManager, url: string): void {
  new DependencyManager({ appName: 'shop', defaults: { timeoutMs: 500, graceFailures: 1 } });
  expectTypeOf<DependencyManagerOptions['registry']>().toEqualTypeOf<
    import('prom-client').Registry | false | undefined
  >();
  // @ts-expect-error -- timeoutMs is a number of milliseconds
  new DependencyManager({ defaults: { timeoutMs: '2s' } });
  // @ts-expect-error -- an unknown option (a typo of appName) is an error, not a silent no-op
  new DependencyManager({ appname: 'shop' });

  manager.register({ id: 'db', urgency: 'REQUIRED', check: () => ({ status: 'OK' }) });
  // @ts-expect-error -- urgency is one of REQUIRED, STRONG, WEAK, NONE, UNKNOWN
  manager.register({ id: 'db', urgency: 'CRITICAL', check: () => ({ status: 'OK' }) });
  // @ts-expect-error -- a check answers a status of the model
  manager.register({ id: 'db', check: () => ({ status: 'DOWN' }) });
  expectTypeOf<ReturnType<Dependency['check']>>().toEqualTypeOf<
    CheckOutcome | void | Promise<CheckOutcome | void>
  >();

  expectTypeOf(tcpCheck({ host: 'db', port: 5432 })).toEqualTypeOf<Dependency>();
  expectTypeOf<TcpCheckOptions['urgency']>().toEqualTypeOf<
    'REQUIRED' | 'STRONG' | 'WEAK' | 'NONE' | 'UNKNOWN' | undefined
  >();
  // @ts-expect-error -- the port is a number
  tcpCheck({ host: 'db', port: '5432' });
  // @ts-expect-error -- tcpCheck takes no url
  tcpCheck({ host: 'db', port: 5432 }, { url });
  httpCheck(url, { timeoutMs: 1000 });
  httpCheck(new URL(url));
  // @ts-expect-error -- httpCheck's target is a URL (string or URL object)
  httpCheck({ host: 'api', port: 443 });
  // @ts-expect-error -- redisCheck needs an ioredis client, not a URL
  redisCheck(url);

  healthRoutes(manager, { token: 'secret', appName: 'shop' });
  // @ts-expect-error -- the token is a string
  healthRoutes(manager, { token: 42 });
  // @ts-expect-error -- an unknown option of healthRoutes
  healthRoutes(manager, { tokens: ['a'] });
  shortCircuit(manager, { exclude: (req) => req.path === '/ping' });
  expectTypeOf<ShortCircuitOptions>().toHaveProperty('exclude');
  shortCircuit(manager, { statusCode: 503, exclude: ['/ping'] });
  // @ts-expect-error -- an unknown option of shortCircuit (a typo of failOpen)
  shortCircuit(manager, { failopen: true });
  requireDependency(manager, 'db');
  // @ts-expect-error -- the dependency id is a string
  requireDependency(manager, { id: 'db' });
}
