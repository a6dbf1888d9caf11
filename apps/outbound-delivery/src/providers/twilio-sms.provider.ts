import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { OutboundDeliveryConfig } from '../outbound-delivery.config.js';
import { ProviderFailure, type ChannelProvider, type OutboundMessage, type ProviderAccepted } from './provider-failure.js';

const TWILIO_API = 'https://api.twilio.com';

/**
 * The SDK's own HTTP client, pointed at TWILIO_BASE_URL: every request the SDK builds for
 * api.twilio.com goes to the configured host instead (as twilio-node's maintainers advise in
 * twilio/twilio-node#326), so a compatible endpoint or a test stand-in gets exactly what Twilio would.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>) {
    const uri = options.uri.startsWith(TWILIO_API) ? `${this.baseUrl}${options.uri.slice(TWILIO_API.length)}` : options.uri;
    return super.request<TData>({ ...options, uri });
  }
}

/** SMS through Twilio's Messages API with the official SDK. */
@Injectable()
export class TwilioSmsProvider implements ChannelProvider {
  readonly name = 'twilio' as const;
  private readonly client: ReturnType<typeof twilio> | null;

  constructor(private readonly config: OutboundDeliveryConfig) {
    this.client = config.smsEnabled
      ? twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, {
          httpClient: new BaseUrlRequestClient(config.TWILIO_BASE_URL.replace(/\/$/, ''), { timeout: config.PROVIDER_TIMEOUT_MS }),
        })
      : null;
  }

  async send(message: OutboundMessage): Promise<ProviderAccepted> {
    const client = this.requireClient();
    try {
      const sent = await client.messages.create({
        to: message.to,
        from: message.from,
        body: message.content,
        ...(message.attachments?.length ? { mediaUrl: message.attachments.flatMap((attachment) => (attachment.url ? [attachment.url] : [])) } : {}),
        ...(this.config.PUBLIC_URL ? { statusCallback: `${this.config.PUBLIC_URL.replace(/\/$/, '')}/webhooks/twilio/status` } : {}),
      });
      return { providerId: sent.sid };
    } catch (error) {
      throw failureOf(error);
    }
  }

  /**
   * Twilio keeps no idempotency key on a message: an earlier send is the one to the same number,
   * from the same number, with the same body, created since the attempt began. (Not filtered by
   * `DateSent`: a message still queued at Twilio has none yet.)
   */
  async findSent(message: OutboundMessage, since: Date): Promise<string | null> {
    const client = this.requireClient();
    const from = since.getTime() - 1000;
    try {
      const recent = await client.messages.list({ to: message.to, from: message.from, limit: 50 });
      return recent.find((candidate) => candidate.body === message.content && (candidate.dateCreated?.getTime() ?? 0) >= from)?.sid ?? null;
    } catch (error) {
      throw failureOf(error);
    }
  }

  private requireClient(): ReturnType<typeof twilio> {
    if (!this.client) throw new ProviderFailure(false, 'sms_off', 'SMS is off: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set');
    return this.client;
  }
}

/** The SDK's RestException (status and Twilio's code), or a network error or timeout. */
function failureOf(error: unknown): ProviderFailure {
  const rest = error as { status?: number; code?: number | string; message?: string };
  if (typeof rest.status === 'number') return ProviderFailure.fromStatus(rest.status, rest.code, rest.message ?? 'Twilio refused the request');
  const code = (error as { code?: string }).code === 'ECONNABORTED' || /timeout/i.test(String(rest.message)) ? 'timeout' : 'network';
  return new ProviderFailure(true, code, rest.message ?? 'Twilio could not be reached');
}
