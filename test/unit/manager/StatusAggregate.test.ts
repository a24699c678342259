import fc from 'fast-check';
import { StatusAggregate } from '../../../src/manager/StatusAggregate';
import { CheckStatus } from '../../../src/status/CheckStatus';
import { Urgency } from '../../../src/status/Urgency';

const status = fc.constantFrom(...CheckStatus.values);
const urgency = fc.constantFrom(...Urgency.values);

describe('the incremental system status', () => {
  it('always equals the worst urgency-capped contribution, whatever the sequence of updates', () => {
    const op = fc.record({
      dep: fc.integer({ min: 0, max: 5 }),
      status: fc.option(status, { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(urgency, { minLength: 6, maxLength: 6 }),
        fc.array(op, { maxLength: 60 }),
        (urgencies, ops) => {
          const aggregate = new StatusAggregate();
          const current = new Map<number, CheckStatus>();
          for (const { dep, status: to } of ops) {
            aggregate.replace(urgencies[dep], current.get(dep), to);
            if (to === undefined) current.delete(dep);
            else current.set(dep, to);
            const expected = CheckStatus.worst(
              ...[...current].map(([d, s]) => Urgency.contribution(urgencies[d], s)),
            );
            expect(aggregate.status).toBe(expected);
          }
        },
      ),
    );
  });
});
