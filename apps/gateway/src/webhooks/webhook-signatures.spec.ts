import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parley/contracts';
import type { GatewayConfig } from '../gateway.config.js';
import { WebhookSignatures } from './webhook-signatures.js';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const signatures = new WebhookSignatures({ SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') } as GatewayConfig);

function refusal(check: () => void): number | null {
  try {
    check();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.statusCode : 500;
  }
}

describe('WebhookSignatures', () => {
  it('refuses with a 403 a SendGrid signature that is not one at all, as it refuses a wrong one', () => {
    const body = Buffer.from('[]');
    expect(refusal(() => signatures.checkSendgridEvents('[;NX', ')%I">$ayv', body))).toBe(403);
    expect(refusal(() => signatures.checkSendgridEvents('MEUCIQD', '1700000000', body))).toBe(403);
    expect(refusal(() => signatures.checkSendgridEvents(undefined, '1700000000', body))).toBe(403);
  });
});
