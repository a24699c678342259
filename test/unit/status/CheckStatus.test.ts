import { CheckStatus } from '../../../src/status/CheckStatus';

const { OK, MINOR, MAJOR, OUTAGE } = CheckStatus;

describe('CheckStatus', () => {
  it('lists the values worst to best', () => {
    expect(CheckStatus.values).toEqual(['OUTAGE', 'MAJOR', 'MINOR', 'OK']);
    expect([OK, MINOR, MAJOR, OUTAGE]).toEqual(['OK', 'MINOR', 'MAJOR', 'OUTAGE']);
  });

  it('compares strictly', () => {
    expect(CheckStatus.isWorseThan(OUTAGE, MAJOR)).toBe(true);
    expect(CheckStatus.isWorseThan(MAJOR, MAJOR)).toBe(false);
    expect(CheckStatus.isWorseThan(OK, MINOR)).toBe(false);
    expect(CheckStatus.isBetterThan(OK, MINOR)).toBe(true);
    expect(CheckStatus.isBetterThan(MINOR, MINOR)).toBe(false);
    expect(CheckStatus.isBetterThan(OUTAGE, OK)).toBe(false);
  });

  it('caps with noBetterThan (the worse of the two) and noWorseThan (the better)', () => {
    expect(CheckStatus.noBetterThan(OK, MINOR)).toBe(MINOR);
    expect(CheckStatus.noBetterThan(OUTAGE, MINOR)).toBe(OUTAGE);
    expect(CheckStatus.noWorseThan(OUTAGE, MAJOR)).toBe(MAJOR);
    expect(CheckStatus.noWorseThan(OK, MAJOR)).toBe(OK);
  });

  it('takes the worst and best of any number', () => {
    expect(CheckStatus.worst()).toBe(OK);
    expect(CheckStatus.worst(MINOR)).toBe(MINOR);
    expect(CheckStatus.worst(OK, MAJOR, MINOR)).toBe(MAJOR);
    expect(CheckStatus.worst(OK, OUTAGE, MAJOR)).toBe(OUTAGE);
    expect(CheckStatus.best(OUTAGE, MINOR, MAJOR)).toBe(MINOR);
    expect(CheckStatus.best(OUTAGE)).toBe(OUTAGE);
    expect(CheckStatus.best()).toBe(OUTAGE);
  });

  it('worst and best do not depend on argument order', () => {
    const all = [...CheckStatus.values];
    for (let i = 0; i < all.length; i++) {
      const rotated = [...all.slice(i), ...all.slice(0, i)];
      expect(CheckStatus.worst(...rotated)).toBe(OUTAGE);
      expect(CheckStatus.best(...rotated.reverse())).toBe(OK);
    }
  });

  it('parses names case-insensitively and rejects anything else', () => {
    expect(CheckStatus.parse('ok')).toBe(OK);
    expect(CheckStatus.parse('Minor')).toBe(MINOR);
    expect(CheckStatus.parse(' MAJOR ')).toBe(MAJOR);
    expect(CheckStatus.parse('outage')).toBe(OUTAGE);
    expect(CheckStatus.parse('down')).toBeUndefined();
    expect(CheckStatus.parse('')).toBeUndefined();
    expect(CheckStatus.parse('values')).toBeUndefined();
    expect(CheckStatus.parse('__proto__')).toBeUndefined();
    expect(CheckStatus.parse(undefined)).toBeUndefined();
    expect(CheckStatus.parse(3)).toBeUndefined();
  });

  it('encodes gauge severity OK 0 … OUTAGE 3', () => {
    expect(CheckStatus.values.map((s) => CheckStatus.severity(s))).toEqual([3, 2, 1, 0]);
  });

  it('is frozen so nobody can redefine a level', () => {
    expect(Object.isFrozen(CheckStatus)).toBe(true);
    expect(Object.isFrozen(CheckStatus.values)).toBe(true);
  });
});
