import { CheckStatus } from '../../../src/status/CheckStatus';
import { Urgency } from '../../../src/status/Urgency';

// The urgency table (how far a dependency's status can pull the system down), row = dependency status, columns = REQUIRED/UNKNOWN, STRONG, WEAK, NONE.
const TABLE: Record<CheckStatus, Record<Urgency, CheckStatus>> = {
  OUTAGE: { REQUIRED: 'OUTAGE', UNKNOWN: 'OUTAGE', STRONG: 'MAJOR', WEAK: 'MINOR', NONE: 'OK' },
  MAJOR: { REQUIRED: 'MAJOR', UNKNOWN: 'MAJOR', STRONG: 'MAJOR', WEAK: 'MINOR', NONE: 'OK' },
  MINOR: { REQUIRED: 'MINOR', UNKNOWN: 'MINOR', STRONG: 'MINOR', WEAK: 'MINOR', NONE: 'OK' },
  OK: { REQUIRED: 'OK', UNKNOWN: 'OK', STRONG: 'OK', WEAK: 'OK', NONE: 'OK' },
};

const cells = CheckStatus.values.flatMap((status) =>
  Urgency.values.map((urgency) => [urgency, status, TABLE[status][urgency]] as const),
);

describe('Urgency', () => {
  it('has 20 cells in the table', () => expect(cells).toHaveLength(20));

  it.each(cells)('%s dependency at %s contributes %s', (urgency, status, expected) => {
    expect(Urgency.contribution(urgency, status)).toBe(expected);
    expect(Urgency.downgradeWith(urgency, 'OK', status)).toBe(expected);
  });

  it('UNKNOWN behaves exactly as REQUIRED', () => {
    for (const s of CheckStatus.values) {
      for (const so of CheckStatus.values) {
        expect(Urgency.downgradeWith('UNKNOWN', so, s)).toBe(Urgency.downgradeWith('REQUIRED', so, s));
      }
    }
  });

  it('downgradeWith never makes the system better than it already was', () => {
    expect(Urgency.downgradeWith('NONE', 'MAJOR', 'OUTAGE')).toBe('MAJOR');
    expect(Urgency.downgradeWith('WEAK', 'OUTAGE', 'OK')).toBe('OUTAGE');
    expect(Urgency.downgradeWith('STRONG', 'MINOR', 'OUTAGE')).toBe('MAJOR');
  });

  it('folding several dependencies is order-independent', () => {
    const deps: [Urgency, CheckStatus][] = [
      ['WEAK', 'OUTAGE'],
      ['STRONG', 'MINOR'],
      ['NONE', 'OUTAGE'],
      ['REQUIRED', 'OK'],
    ];
    const fold = (list: [Urgency, CheckStatus][]): CheckStatus =>
      list.reduce<CheckStatus>((acc, [u, s]) => Urgency.downgradeWith(u, acc, s), 'OK');
    expect(fold(deps)).toBe('MINOR');
    expect(fold([...deps].reverse())).toBe('MINOR');
    expect(fold([])).toBe('OK');
  });

  it('parses names case-insensitively', () => {
    expect(Urgency.parse('strong')).toBe('STRONG');
    expect(Urgency.parse('Required')).toBe('REQUIRED');
    expect(Urgency.parse('critical')).toBeUndefined();
    expect(Urgency.is('WEAK')).toBe(true);
    expect(Urgency.is('weak')).toBe(false);
  });
});
