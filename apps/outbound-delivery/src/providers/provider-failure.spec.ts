import { describe, expect, it } from '@jest/globals';
import { ProviderFailure } from './provider-failure.js';

describe('ProviderFailure', () => {
  it('counts 429, 408 and 5xx as transient, keeping the provider code when there is one', () => {
    expect(ProviderFailure.fromStatus(429, 20429, 'slow down')).toMatchObject({ transient: true, code: '20429' });
    expect(ProviderFailure.fromStatus(503, undefined, 'down')).toMatchObject({ transient: true, code: '503' });
    expect(ProviderFailure.fromStatus(408, null, 'timeout')).toMatchObject({ transient: true, code: '408' });
  });

  it('counts any other 4xx as permanent: the request itself is wrong', () => {
    expect(ProviderFailure.fromStatus(400, 21211, 'bad number')).toMatchObject({ transient: false, code: '21211' });
    expect(ProviderFailure.fromStatus(401, 20003, 'Authenticate')).toMatchObject({ transient: false, code: '20003' });
  });

  it('counts no answer at all as a transient network failure', () => {
    expect(ProviderFailure.fromStatus(null, null, 'ECONNREFUSED')).toMatchObject({ transient: true, code: 'network' });
  });

  it('says a failure left the message maybe taken only when no answer came', () => {
    expect(new ProviderFailure(true, 'timeout', 'no answer in 10 s').unanswered).toBe(true);
    expect(ProviderFailure.fromStatus(null, null, 'socket hang up').unanswered).toBe(true);
    expect(ProviderFailure.fromStatus(503, 20500, 'down').unanswered).toBe(false);
    expect(ProviderFailure.fromStatus(400, 21211, 'bad number').unanswered).toBe(false);
  });
});
