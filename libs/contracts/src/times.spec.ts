import { describe, expect, it } from '@jest/globals';
import { isCalendarTime } from './times.js';

describe('isCalendarTime', () => {
  it('takes RFC 3339 times on days that exist, leap days included', () => {
    for (const time of ['2030-01-01T09:00:00Z', '2028-02-29T23:59:59.5+02:00', '2030-12-31T00:00:00-05:00', '0089-12-30T03:32:17-09:10', '0000-01-01T00:00:00Z']) {
      expect(isCalendarTime(time)).toBe(true);
    }
  });

  it('refuses days that do not exist, which Date would roll on to the next month', () => {
    for (const time of ['2030-02-30T00:00:00Z', '2030-02-29T00:00:00Z', '2030-04-31T09:00:00Z', '2030-13-01T00:00:00Z']) expect(isCalendarTime(time)).toBe(false);
  });

  it('refuses what is not an RFC 3339 time', () => {
    for (const value of ['2030-01-01', 'June 2030', '1', 1, null, undefined]) expect(isCalendarTime(value)).toBe(false);
  });
});
