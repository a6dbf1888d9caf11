import { Body, Controller, Header, Headers, HttpCode, Post, Query, Req, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, type SchemaObject } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@parley/auth';
import { AppError, OutboundDeliveryPatterns, type Actor } from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { firstMailAddress, messageIdOf } from './email-address.js';
import { InboundMessagesService } from './inbound-messages.service.js';
import { WebhookSignatures } from './webhook-signatures.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
/** Who relays a provider's report: no user, no account (the delivery names its own). */
const PROVIDER: Actor = { userId: 'webhook:provider', accountId: '', scopes: [] };

type RawRequest = Request & { rawBody?: Buffer };

/** What the providers send, as far as Parley reads it; they send more fields, which are ignored. */
const twilioForm = (required: string[], properties: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  required,
  additionalProperties: { type: 'string' },
  properties: Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, { type: 'string', ...schema }])),
});
const EMPTY_TWIML_RESPONSE = { description: 'Empty TwiML', content: { 'text/xml': { schema: { type: 'string' as const } } } };
const TWILIO_SIGNATURE = { name: 'X-Twilio-Signature', required: true, description: "Twilio's signature of the URL and the form, under the auth token" };
const ACCOUNT = { name: 'account', required: false, description: 'Ties an inbound number or address to one account' };

/**
 * The providers' webhooks: inbound SMS and email become contacts' messages in routed support rooms;
 * delivery reports update the messages' delivery. Each is checked (signature or secret) first: a
 * forged call is a 403 and changes nothing. `?account=<id>` in a webhook's URL ties an inbound
 * number or address to one account.
 */
@ApiTags('webhooks')
@ApiErrors(403, 503, 504)
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly signatures: WebhookSignatures,
    private readonly inbound: InboundMessagesService,
    private readonly commands: CommandClient,
  ) {}

  @Post('twilio/sms')
  @HttpCode(200)
  @Header('content-type', 'text/xml')
  @ApiOperation({ summary: "Twilio's incoming message webhook (form-encoded, X-Twilio-Signature); answers empty TwiML" })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader(TWILIO_SIGNATURE)
  @ApiQuery(ACCOUNT)
  @ApiBody({
    required: true,
    schema: twilioForm(['MessageSid', 'From', 'To'], {
      MessageSid: { minLength: 1 },
      From: { minLength: 1 },
      To: { minLength: 1 },
      Body: {},
      NumMedia: { pattern: '^[0-9]+$' },
    }),
  })
  @ApiOkResponse(EMPTY_TWIML_RESPONSE)
  @ApiErrors(400, 413)
  async twilioSms(
    @Req() request: RawRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() form: Record<string, string>,
    @Query('account') accountId: string | undefined,
    @CorrelationId() correlationId: string,
  ): Promise<string> {
    this.signatures.checkTwilio(signature, request.originalUrl, form);
    if (!form.MessageSid || !form.From || !form.To) throw AppError.badRequest('MessageSid', 'MessageSid, From and To are required');
    const media = Math.min(Number(form.NumMedia ?? 0) || 0, 10);
    const files = Array.from({ length: media }, (_, index) => form[`MediaUrl${index}`])
      .map((url, index) => ({ url, contentType: form[`MediaContentType${index}`] ?? 'application/octet-stream', index }))
      .filter((file) => !!file.url)
      .map((file) => ({ name: `media-${file.index}${extensionOf(file.contentType)}`, contentType: file.contentType, url: file.url, auth: this.signatures.twilioMediaAuth(file.url) }));
    await this.inbound.receive(
      {
        channel: 'sms',
        accountId,
        to: form.To,
        from: form.From,
        externalId: form.MessageSid,
        content: form.Body?.trim() ? form.Body : media > 0 ? `[${media} attachment${media > 1 ? 's' : ''}]` : '[empty message]',
        files,
      },
      correlationId,
    );
    return EMPTY_TWIML;
  }

  @Post('twilio/status')
  @HttpCode(200)
  @Header('content-type', 'text/xml')
  @ApiOperation({ summary: "Twilio's status callback for an outbound SMS (signed): delivered or failed reaches the message" })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader(TWILIO_SIGNATURE)
  @ApiBody({ required: true, schema: twilioForm(['MessageSid', 'MessageStatus'], { MessageSid: { minLength: 1 }, MessageStatus: { minLength: 1 }, ErrorCode: {} }) })
  @ApiOkResponse(EMPTY_TWIML_RESPONSE)
  @ApiErrors(400, 413)
  async twilioStatus(
    @Req() request: RawRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() form: Record<string, string>,
    @CorrelationId() correlationId: string,
  ): Promise<string> {
    this.signatures.checkTwilio(signature, request.originalUrl, form);
    if (!form.MessageSid || !form.MessageStatus) throw AppError.badRequest('MessageSid', 'MessageSid and MessageStatus are required');
    await this.commands.send(
      OutboundDeliveryPatterns.DeliveryReport,
      PROVIDER,
      { provider: 'twilio', provider_id: form.MessageSid, provider_status: form.MessageStatus, error_code: form.ErrorCode ?? null },
      { correlationId, key: form.MessageSid },
    );
    return EMPTY_TWIML;
  }

  @Post('sendgrid/inbound')
  @HttpCode(200)
  @UseInterceptors(AnyFilesInterceptor({ limits: { fileSize: 25 * 1024 * 1024, files: 10 } }))
  @ApiOperation({ summary: "SendGrid Inbound Parse (multipart), guarded by ?secret=INBOUND_EMAIL_SECRET" })
  @ApiConsumes('multipart/form-data')
  @ApiQuery({ name: 'secret', required: true, description: 'INBOUND_EMAIL_SECRET' })
  @ApiQuery(ACCOUNT)
  @ApiBody({
    required: true,
    schema: {
      type: 'object',
      required: ['to', 'from'],
      additionalProperties: false,
      properties: {
        to: { type: 'string', description: 'The To header: the address the customer wrote to' },
        from: { type: 'string', description: 'The From header' },
        subject: { type: 'string' },
        text: { type: 'string' },
        html: { type: 'string' },
        envelope: { type: 'string', description: 'The SMTP envelope, as JSON' },
        headers: { type: 'string', description: 'The raw headers; Message-ID makes a retry idempotent' },
        ...Object.fromEntries(['cc', 'dkim', 'content-ids', 'sender_ip', 'spam_report', 'spam_score', 'attachments', 'attachment-info', 'charsets', 'SPF'].map((name) => [name, { type: 'string' }])),
        ...Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`attachment${index + 1}`, { type: 'string', format: 'binary' }])),
      },
    },
  })
  @ApiOkResponse({ description: 'Taken', schema: { type: 'object', required: ['received'], properties: { received: { type: 'boolean', enum: [true] } } } })
  @ApiErrors(400, 413)
  async sendgridInbound(
    @Query('secret') secret: string | undefined,
    @Query('account') accountId: string | undefined,
    @Body() form: Record<string, string>,
    @UploadedFiles() uploads: { originalname: string; mimetype: string; buffer: Buffer }[] | undefined,
    @CorrelationId() correlationId: string,
  ): Promise<{ received: true }> {
    this.signatures.checkInboundEmailSecret(secret);
    // The To header names the address the customer wrote to; the SMTP envelope is the fallback (a Bcc).
    const envelope = parseEnvelope(form.envelope);
    const to = firstMailAddress(form.to) ?? firstMailAddress(envelope?.to?.[0]);
    const from = firstMailAddress(form.from) ?? firstMailAddress(envelope?.from);
    if (!to) throw AppError.badRequest('to', 'to must hold an email address');
    if (!from) throw AppError.badRequest('from', 'from must hold an email address');
    const text = form.text?.trim() || form.html?.trim() || '[empty email]';
    const externalId = messageIdOf(form.headers) ?? `${from.address}:${form.subject ?? ''}:${text.length}:${text.slice(0, 64)}`;
    await this.inbound.receive(
      {
        channel: 'email',
        accountId,
        to: to.address,
        from: from.address,
        fromName: from.name,
        externalId,
        content: text,
        subject: form.subject?.trim() || undefined,
        files: (uploads ?? []).map((upload) => ({ name: upload.originalname, contentType: upload.mimetype, body: upload.buffer })),
      },
      correlationId,
    );
    return { received: true };
  }

  @Post('sendgrid/events')
  @HttpCode(200)
  @ApiOperation({ summary: "SendGrid's signed event webhook: delivered, bounce and dropped reach the messages" })
  @ApiHeader({ name: 'X-Twilio-Email-Event-Webhook-Signature', required: true, description: 'ECDSA signature of the timestamp and the body' })
  @ApiHeader({ name: 'X-Twilio-Email-Event-Webhook-Timestamp', required: true })
  @ApiBody({
    required: true,
    schema: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { sg_message_id: { type: 'string' }, event: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' } },
      },
    },
  })
  @ApiOkResponse({ description: 'How many events changed a delivery', schema: { type: 'object', required: ['applied'], properties: { applied: { type: 'integer', minimum: 0 } } } })
  @ApiErrors(400, 413)
  async sendgridEvents(
    @Req() request: RawRequest,
    @Headers('x-twilio-email-event-webhook-signature') signature: string | undefined,
    @Headers('x-twilio-email-event-webhook-timestamp') timestamp: string | undefined,
    @Body() events: unknown,
    @CorrelationId() correlationId: string,
  ): Promise<{ applied: number }> {
    this.signatures.checkSendgridEvents(signature, timestamp, request.rawBody);
    if (!Array.isArray(events)) throw AppError.badRequest('body', 'the body must be an array of events');
    let applied = 0;
    for (const event of events as { sg_message_id?: string; event?: string; status?: string; reason?: string }[]) {
      if (!event.sg_message_id || !event.event) continue;
      const result = await this.commands.send<{ applied: boolean }>(
        OutboundDeliveryPatterns.DeliveryReport,
        PROVIDER,
        { provider: 'sendgrid', provider_id: event.sg_message_id.split('.')[0], provider_status: event.event, error_code: event.status ?? null },
        { correlationId, key: event.sg_message_id },
      );
      if (result.applied) applied++;
    }
    return { applied };
  }
}

/** Inbound Parse's `envelope` field (JSON of the SMTP envelope), if it is there and readable. */
function parseEnvelope(text: string | undefined): { to?: string[]; from?: string } | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as { to?: string[]; from?: string };
  } catch {
    return null;
  }
}

/** A file extension for an MMS media type (Twilio names the media by URL only). */
function extensionOf(contentType: string): string {
  const known: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'video/mp4': '.mp4', 'audio/mpeg': '.mp3', 'application/pdf': '.pdf' };
  return known[contentType] ?? '';
}
