import { Injectable } from '@nestjs/common';
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { OutboundDeliveryConfig } from '../outbound-delivery.config.js';
import { ProviderFailure, type ChannelProvider, type OutboundMessage, type ProviderAccepted } from './provider-failure.js';

/** The custom argument that carries the message id: SendGrid echoes it in events and in its activity search. */
const KEY_ARG = 'parley_message_id';

/** Email through SendGrid's v3 mail send with the official SDK, its client pointed at SENDGRID_BASE_URL. */
@Injectable()
export class SendgridEmailProvider implements ChannelProvider {
  readonly name = 'sendgrid' as const;
  private readonly client: Client | null;
  private readonly mail: MailService | null;

  constructor(config: OutboundDeliveryConfig) {
    if (!config.emailEnabled) {
      this.client = null;
      this.mail = null;
      return;
    }
    this.client = new Client();
    this.client.setApiKey(config.SENDGRID_API_KEY as string);
    this.client.setDefaultRequest('baseUrl', config.SENDGRID_BASE_URL.replace(/\/$/, ''));
    this.client.setDefaultRequest('timeout' as never, config.PROVIDER_TIMEOUT_MS as never);
    this.mail = new MailService();
    this.mail.setClient(this.client);
  }

  async send(message: OutboundMessage): Promise<ProviderAccepted> {
    const mail = this.requireMail();
    try {
      const [response] = await mail.send({
        to: message.to,
        from: message.from,
        subject: message.subject ?? '',
        text: message.content,
        customArgs: { [KEY_ARG]: message.idempotencyKey },
        // An answer joins the contact's thread in their mail client.
        ...(message.inReplyTo ? { headers: { 'In-Reply-To': `<${message.inReplyTo}>`, References: `<${message.inReplyTo}>` } } : {}),
        ...(message.attachments?.length
          ? {
              attachments: message.attachments.flatMap((attachment) =>
                attachment.body ? [{ content: attachment.body.toString('base64'), filename: attachment.name, type: attachment.contentType, disposition: 'attachment' }] : [],
              ),
            }
          : {}),
      });
      const header = response.headers['x-message-id'] as string | string[] | undefined;
      const providerId = Array.isArray(header) ? header[0] : header;
      return { providerId: providerId ?? message.idempotencyKey };
    } catch (error) {
      throw failureOf(error);
    }
  }

  /** SendGrid's email activity, searched by the message id carried as a custom argument. */
  async findSent(message: OutboundMessage): Promise<string | null> {
    if (!this.client) this.requireMail();
    try {
      const [, body] = await (this.client as Client).request({
        method: 'GET',
        url: '/v3/messages',
        qs: { query: `unique_args['${KEY_ARG}']="${message.idempotencyKey}"`, limit: 1 },
      });
      const found = (body as { messages?: { msg_id?: string }[] }).messages?.[0]?.msg_id;
      return found ? found.split('.')[0] : null;
    } catch (error) {
      throw failureOf(error);
    }
  }

  private requireMail(): MailService {
    if (!this.mail) throw new ProviderFailure(false, 'email_off', 'Email is off: SENDGRID_API_KEY is not set');
    return this.mail;
  }
}

/** The SDK's ResponseError (HTTP status and SendGrid's first error), or a network error or timeout. */
function failureOf(error: unknown): ProviderFailure {
  const response = error as { code?: number | string; message?: string; response?: { body?: { errors?: { message?: string; field?: string }[] } } };
  if (typeof response.code === 'number') {
    const detail = response.response?.body?.errors?.[0]?.message;
    return ProviderFailure.fromStatus(response.code, response.code, detail ?? response.message ?? 'SendGrid refused the request');
  }
  const code = /timeout/i.test(String(response.message)) || response.code === 'ECONNABORTED' ? 'timeout' : 'network';
  return new ProviderFailure(true, code, response.message ?? 'SendGrid could not be reached');
}
