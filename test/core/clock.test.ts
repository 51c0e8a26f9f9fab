import { describe, expect, it } from 'vitest';
import { createClock, localDateTime } from '../../functions/domain/clock.ts';

describe('the deployment clock', () => {
  it('reads instants in the units\' zone, across midnight and the new year', () => {
    const clock = createClock(7, () => new Date('2025-12-31T17:30:00Z'));
    expect(clock.today()).toBe('2026-01-01');
    expect(clock.localTime(clock.now())).toBe('2026-01-01 00:30');
    expect(clock.localTime('2025-12-31T16:59:59.999Z')).toBe('2025-12-31 23:59');
    expect(clock.localTime(Date.parse('2025-06-15T23:00:00Z'))).toBe('2025-06-16 06:00');
  });

  it('shows nothing for no instant and leaves text that is not one as it is', () => {
    expect(localDateTime(null, 7)).toBe('');
    expect(localDateTime(undefined, 7)).toBe('');
    expect(localDateTime('', 7)).toBe('');
    expect(localDateTime('chưa gửi', 7)).toBe('chưa gửi');
  });
});
