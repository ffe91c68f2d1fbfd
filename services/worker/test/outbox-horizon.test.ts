// The rule that keeps the outbox cursor from jumping over an id whose transaction has not committed yet.
import { describe, expect, it } from 'vitest';
import { planOutboxRead } from '../src/webhooks/outbox-horizon.ts';

const fresh = { lastId: 10, horizonId: null, horizonXmax: null };
const snapshot = { xmin: 500, xmax: 520 };

describe('planOutboxRead', () => {
  it('takes contiguous ids and moves the cursor to the last', () => {
    expect(planOutboxRead(fresh, [11, 12, 13], snapshot, false)).toEqual({ take: [11, 12, 13], next: { lastId: 13, horizonId: null, horizonXmax: null } });
  });

  it('stops at a gap and sets a horizon at the highest id read and the snapshot\'s xmax', () => {
    expect(planOutboxRead(fresh, [11, 13, 14], snapshot, false)).toEqual({ take: [11], next: { lastId: 11, horizonId: 14, horizonXmax: 520 } });
  });

  it('keeps waiting while a transaction older than the horizon may still commit', () => {
    const waiting = { lastId: 11, horizonId: 14, horizonXmax: 520 };
    expect(planOutboxRead(waiting, [13, 14], { xmin: 519, xmax: 530 }, false)).toEqual({ take: [], next: waiting });
  });

  it('takes everything up to the horizon once those transactions have ended, the gap being final', () => {
    const waiting = { lastId: 11, horizonId: 14, horizonXmax: 520 };
    expect(planOutboxRead(waiting, [13, 14, 15, 17], { xmin: 520, xmax: 530 }, false))
      .toEqual({ take: [13, 14, 15], next: { lastId: 15, horizonId: 17, horizonXmax: 530 } });
  });

  it('takes a late commit that filled the gap, in order', () => {
    const waiting = { lastId: 11, horizonId: 14, horizonXmax: 520 };
    expect(planOutboxRead(waiting, [12, 13, 14], { xmin: 510, xmax: 530 }, false)).toEqual({ take: [12, 13, 14], next: { lastId: 14, horizonId: null, horizonXmax: null } });
  });

  it('moves past ids that never committed below a passed horizon even with nothing after them', () => {
    const waiting = { lastId: 11, horizonId: 14, horizonXmax: 520 };
    expect(planOutboxRead(waiting, [], { xmin: 600, xmax: 610 }, false)).toEqual({ take: [], next: { lastId: 14, horizonId: null, horizonXmax: null } });
  });

  it('does not move past unread ids when the batch was full', () => {
    const waiting = { lastId: 11, horizonId: 40, horizonXmax: 520 };
    expect(planOutboxRead(waiting, [13, 14], { xmin: 600, xmax: 610 }, true)).toEqual({ take: [13, 14], next: { lastId: 14, horizonId: null, horizonXmax: null } });
  });
});
