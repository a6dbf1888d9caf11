import { describe, expect, it } from '@jest/globals';
import { createEnvelope, EventTopics } from '@parley/contracts';
import { isEnvelope } from './event-consumer.js';

describe('isEnvelope', () => {
  it('accepts what createEnvelope makes', () => {
    const envelope = createEnvelope({ type: EventTopics.RoomRead, accountId: 'a', key: 'r', actor: null, data: { room_id: 'r' } });
    expect(isEnvelope(envelope)).toBe(true);
    expect(envelope.version).toBe(1);
  });

  it.each([null, 'text', { id: 'x' }, { id: 'x', type: 't', version: '1', accountId: 'a', key: 'k', data: {} }])(
    'refuses %j',
    (value) => {
      expect(isEnvelope(value)).toBe(false);
    },
  );
});
