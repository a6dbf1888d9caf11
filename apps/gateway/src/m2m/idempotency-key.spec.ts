import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parley/contracts';
import { idempotencyKeyOf } from './idempotency-key.js';

describe('idempotencyKeyOf', () => {
  it('takes a key of visible characters as it is, and no header as no key', () => {
    expect(idempotencyKeyOf('order-42/messages:1')).toBe('order-42/messages:1');
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
  });

  it.each(['', 'has a space', 'tab\there', 'é', 'x'.repeat(201)])('refuses %j with a 400 naming the header', (key) => {
    let refused: unknown;
    try {
      idempotencyKeyOf(key);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).statusCode).toBe(400);
    expect((refused as AppError).details?.[0]?.field).toBe('Idempotency-Key');
  });
});
