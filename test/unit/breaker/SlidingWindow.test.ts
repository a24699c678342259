import { SlidingWindow } from '../../../src/breaker/SlidingWindow';

describe('SlidingWindow', () => {
  it('counts calls and failures within the window', () => {
    const w = new SlidingWindow(1000);
    w.record(0, false);
    w.record(150, true);
    w.record(950, true);
    expect(w.counts(999)).toEqual({ calls: 3, failures: 2 });
  });

  it('forgets a bucket once it is a whole window old', () => {
    const w = new SlidingWindow(1000);
    w.record(0, true);
    w.record(500, false);
    expect(w.counts(1000)).toEqual({ calls: 1, failures: 0 });
    expect(w.counts(1500)).toEqual({ calls: 0, failures: 0 });
  });

  it('a long silence clears everything in one pass', () => {
    const w = new SlidingWindow(1000);
    for (let t = 0; t < 1000; t += 10) w.record(t, t % 20 === 0);
    expect(w.counts(999)).toEqual({ calls: 100, failures: 50 });
    expect(w.counts(10_000_000)).toEqual({ calls: 0, failures: 0 });
    w.record(10_000_001, true);
    expect(w.counts(10_000_002)).toEqual({ calls: 1, failures: 1 });
  });

  it('a clock stepping back counts into the newest bucket', () => {
    const w = new SlidingWindow(1000);
    w.record(5000, false);
    w.record(4000, true);
    expect(w.counts(5000)).toEqual({ calls: 2, failures: 1 });
  });

  it('reset forgets every call', () => {
    const w = new SlidingWindow(1000);
    w.record(10, true);
    w.reset();
    expect(w.counts(20)).toEqual({ calls: 0, failures: 0 });
  });
});
