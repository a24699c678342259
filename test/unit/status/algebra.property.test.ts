import fc from 'fast-check';
import { CheckStatus } from '../../../src/status/CheckStatus';
import { Urgency } from '../../../src/status/Urgency';

const status = fc.constantFrom(...CheckStatus.values);
const urgency = fc.constantFrom(...Urgency.values);
const statuses = fc.array(status, { maxLength: 12 });

describe('status algebra laws (property-based)', () => {
  it('worst and best are order-independent and idempotent', () => {
    fc.assert(
      fc.property(statuses, fc.func(fc.integer()), (list, key) => {
        const shuffled = [...list].sort((a, b) => key(a) - key(b));
        expect(CheckStatus.worst(...shuffled)).toBe(CheckStatus.worst(...list));
        expect(CheckStatus.best(...shuffled)).toBe(CheckStatus.best(...list));
        expect(CheckStatus.worst(...list, ...list)).toBe(CheckStatus.worst(...list));
      }),
    );
  });

  it('worst is never better than any member, best never worse', () => {
    fc.assert(
      fc.property(statuses, (list) => {
        const w = CheckStatus.worst(...list);
        const b = CheckStatus.best(...list);
        for (const s of list) {
          expect(CheckStatus.isBetterThan(w, s)).toBe(false);
          expect(CheckStatus.isWorseThan(b, s)).toBe(false);
        }
      }),
    );
  });

  it('worst is associative and OK is its identity', () => {
    fc.assert(
      fc.property(status, status, status, (a, b, c) => {
        expect(CheckStatus.worst(CheckStatus.worst(a, b), c)).toBe(
          CheckStatus.worst(a, CheckStatus.worst(b, c)),
        );
        expect(CheckStatus.worst(a, 'OK')).toBe(a);
        expect(CheckStatus.best(a, 'OUTAGE')).toBe(a);
      }),
    );
  });

  it('exactly one of worse, better or equal holds', () => {
    fc.assert(
      fc.property(status, status, (a, b) => {
        const n = [CheckStatus.isWorseThan(a, b), CheckStatus.isBetterThan(a, b), a === b].filter(
          Boolean,
        ).length;
        expect(n).toBe(1);
      }),
    );
  });

  it('folding dependencies gives the same system status in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(urgency, status), { maxLength: 10 }),
        fc.func(fc.integer()),
        (deps, key) => {
          const fold = (list: [Urgency, CheckStatus][]): CheckStatus =>
            list.reduce<CheckStatus>((acc, [u, s]) => Urgency.downgradeWith(u, acc, s), 'OK');
          const shuffled = [...deps].sort((x, y) => key(x) - key(y));
          expect(fold(shuffled)).toBe(fold(deps));
          expect(fold(deps)).toBe(CheckStatus.worst(...deps.map(([u, s]) => Urgency.contribution(u, s))));
        },
      ),
    );
  });

  it('a dependency never makes the system worse than its own status, nor worse than its urgency allows', () => {
    const cap: Record<Urgency, CheckStatus> = {
      REQUIRED: 'OUTAGE',
      UNKNOWN: 'OUTAGE',
      STRONG: 'MAJOR',
      WEAK: 'MINOR',
      NONE: 'OK',
    };
    fc.assert(
      fc.property(urgency, status, (u, s) => {
        const c = Urgency.contribution(u, s);
        expect(CheckStatus.isWorseThan(c, s)).toBe(false);
        expect(CheckStatus.isWorseThan(c, cap[u])).toBe(false);
      }),
    );
  });

  it('parse accepts exactly the four names in any case', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = CheckStatus.parse(text);
        if (parsed !== undefined) expect(parsed).toBe(text.trim().toUpperCase());
        else expect(CheckStatus.values).not.toContain(text.trim().toUpperCase());
      }),
    );
  });
});
