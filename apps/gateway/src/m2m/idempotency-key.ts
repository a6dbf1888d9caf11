import type { ApiHeaderOptions } from '@nestjs/swagger';
import { AppError } from '@parley/contracts';

/** The optional header that makes a retried m2m create store nothing new. */
export const IDEMPOTENCY_KEY_HEADER: ApiHeaderOptions = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Any text of 1-200 visible characters, new for each create: a retry with the same key (after a 504, say) answers the messages ' +
    'the first stored instead of storing them again; the same key with other messages is a 409.',
  schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' },
};

/** The caller's Idempotency-Key, checked: undefined when absent, a 400 naming it when malformed. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7E]{1,200}$/.test(header)) {
    throw AppError.badRequest('Idempotency-Key', 'Idempotency-Key must be 1-200 visible ASCII characters');
  }
  return header;
}
