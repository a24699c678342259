import { UnknownOutcomes } from '../../../src/flags/UnknownOutcomes';
import { logSink } from '../../support/logSink';

describe('UnknownOutcomes', () => {
  const reconciled = (lines: ReturnType<typeof logSink>['lines']) =>
    lines.filter((l) => l.msg === 'flag outcome reconciled');

  it('ignores a notice of an older write that arrives late, and settles on the next reload sent after the write', () => {
    const { logger, lines } = logSink();
    const unknown = new UnknownOutcomes(logger);
    unknown.add('kill-switch', true, 'alice', 2_000);
    // The notice of the write before ours, delivered on the subscriber connection only now.
    unknown.noticed({ key: 'kill-switch', enabled: false, updatedAt: 1_000 });
    expect(unknown.size).toBe(1);
    expect(reconciled(lines)).toEqual([]);

    unknown.reloaded(unknown.reloadStarted(), () => true);
    expect(unknown.size).toBe(0);
    expect(reconciled(lines)).toEqual([
      expect.objectContaining({
        key: 'kill-switch',
        actor: 'alice',
        intended: true,
        actual: true,
        applied: true,
      }),
    ]);
  });

  it('settles on the notice of its own write, or of a newer one, once', () => {
    const { logger, lines } = logSink();
    const unknown = new UnknownOutcomes(logger);
    unknown.add('a', true, 'alice', 2_000);
    unknown.add('b', true, 'bob', 2_000);
    unknown.noticed({ key: 'a', enabled: true, updatedAt: 2_000 });
    unknown.noticed({ key: 'b', enabled: false, updatedAt: 3_000 });
    unknown.noticed({ key: 'a', enabled: false, updatedAt: 4_000 });
    expect(reconciled(lines).map((l) => [l.key, l.actual, l.applied])).toEqual([
      ['a', true, true],
      ['b', false, false],
    ]);
  });

  it('does not settle on a reload that started before the write was given up on', () => {
    const { logger, lines } = logSink();
    const unknown = new UnknownOutcomes(logger);
    const before = unknown.reloadStarted();
    unknown.add('a', true, 'alice', 2_000);
    unknown.reloaded(before, () => false);
    expect(unknown.size).toBe(1);
    unknown.reloaded(unknown.reloadStarted(), () => null);
    expect(reconciled(lines)).toEqual([expect.objectContaining({ key: 'a', actual: null, applied: false })]);
  });
});
