import perfHooks from 'node:perf_hooks';
import { eventLoopCheck } from '../../../checks/eventLoopCheck';

const signal = new AbortController().signal;

describe('eventLoopCheck’s monitor lifetime', () => {
  let disabled: number;
  let created: number;
  beforeEach(() => {
    disabled = 0;
    created = 0;
    const real = perfHooks.monitorEventLoopDelay;
    jest.spyOn(perfHooks, 'monitorEventLoopDelay').mockImplementation((opts) => {
      created++;
      const h = real(opts);
      const disable = h.disable.bind(h);
      h.disable = () => {
        disabled++;
        return disable();
      };
      return h;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('creates nothing until the first check', () => {
    eventLoopCheck();
    expect(created).toBe(0);
  });

  it('switches the monitor off once no check ran for idleDisableMs, and on again at the next check', async () => {
    const check = eventLoopCheck({ idleDisableMs: 100 });
    await check.check({ signal });
    expect(created).toBe(1);
    await check.check({ signal });
    expect(created).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(disabled).toBe(1);
    await check.check({ signal });
    expect(created).toBe(2);
    check.dispose();
    expect(disabled).toBe(2);
  });

  it('dispose() switches it off at once and is harmless twice', async () => {
    const check = eventLoopCheck();
    await check.check({ signal });
    check.dispose();
    check.dispose();
    expect(disabled).toBe(1);
  });
});
