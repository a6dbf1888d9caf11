import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventWebhook } from '@sendgrid/eventwebhook';
import twilio from 'twilio';
import { AppError } from '@parley/contracts';
import { GatewayConfig } from '../gateway.config.js';

/** Checks that a webhook came from its provider: a forged one is a 403 and nothing is done. */
@Injectable()
export class WebhookSignatures {
  private readonly sendgridKey: ReturnType<EventWebhook['convertPublicKeyToECDSA']> | null;

  constructor(private readonly config: GatewayConfig) {
    this.sendgridKey = config.SENDGRID_WEBHOOK_PUBLIC_KEY ? new EventWebhook().convertPublicKeyToECDSA(config.SENDGRID_WEBHOOK_PUBLIC_KEY) : null;
  }

  /** Twilio signs PUBLIC_URL + the path and query it called, with the form's fields, under the auth token. */
  checkTwilio(signature: string | undefined, originalUrl: string, params: Record<string, string>): void {
    if (!this.config.smsEnabled || !this.config.PUBLIC_URL) throw AppError.forbidden('SMS webhooks are off: TWILIO_AUTH_TOKEN and PUBLIC_URL are not set');
    const url = `${this.config.PUBLIC_URL.replace(/\/$/, '')}${originalUrl}`;
    if (!signature || !twilio.validateRequest(this.config.TWILIO_AUTH_TOKEN as string, signature, url, params)) {
      throw AppError.forbidden('X-Twilio-Signature does not match this request');
    }
  }

  /**
   * The Basic credentials to fetch an MMS's media with, only when the URL is Twilio's (or the
   * configured compatible host's): the account's secret never goes to another host.
   */
  twilioMediaAuth(url: string): string | undefined {
    if (!this.config.smsEnabled) return undefined;
    const host = new URL(url).host;
    const twilioHosts = [new URL(this.config.TWILIO_BASE_URL).host, 'api.twilio.com'];
    if (!twilioHosts.includes(host)) return undefined;
    return `Basic ${Buffer.from(`${this.config.TWILIO_ACCOUNT_SID}:${this.config.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
  }

  /** SendGrid's signed event webhook: ECDSA over the timestamp and the body's bytes. */
  checkSendgridEvents(signature: string | undefined, timestamp: string | undefined, rawBody: Buffer | undefined): void {
    if (!this.sendgridKey) throw AppError.forbidden('SendGrid event webhooks are off: SENDGRID_WEBHOOK_PUBLIC_KEY is not set');
    if (!signature || !timestamp || !rawBody || !verifiesSendgrid(this.sendgridKey, signature, timestamp, rawBody)) {
      throw AppError.forbidden('X-Twilio-Email-Event-Webhook-Signature does not match this request');
    }
  }


  /** Inbound Parse signs nothing: the URL carries a secret instead. */
  checkInboundEmailSecret(secret: string | undefined): void {
    if (!this.config.INBOUND_EMAIL_SECRET) throw AppError.forbidden('Inbound email is off: INBOUND_EMAIL_SECRET is not set');
    const expected = Buffer.from(this.config.INBOUND_EMAIL_SECRET);
    const given = Buffer.from(secret ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw AppError.forbidden('The inbound email secret does not match');
  }
}

/** Whether SendGrid's key verifies the signature; one that is not even a signature (not base64, not DER) does not. */
function verifiesSendgrid(key: ReturnType<EventWebhook['convertPublicKeyToECDSA']>, signature: string, timestamp: string, rawBody: Buffer): boolean {
  try {
    return new EventWebhook().verifySignature(key, rawBody, signature, timestamp);
  } catch {
    return false;
  }
}
