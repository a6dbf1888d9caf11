import { Body, Controller, Header, Headers, HttpCode, Post, Query, Req, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@parley/auth';
import { AppError, OutboundDeliveryPatterns, type Actor } from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { firstMailAddress, messageIdOf } from './email-address.js';
import { InboundMessagesService } from './inbound-messages.service.js';
import { WebhookSignatures } from './webhook-signatures.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
/** Who relays a provider's report: no user, no account (the delivery names its own). */
const PROVIDER: Actor = { userId: 'webhook:provider', accountId: '', scopes: [] };

type RawRequest = Request & { rawBody?: Buffer };

/**
 * The providers' webhooks: inbound SMS and email become contacts' messages in routed support rooms;
 * delivery reports update the messages' delivery. Each is checked (signature or secret) first: a
 * forged call is a 403 and changes nothing. `?account=<id>` in a webhook's URL ties an inbound
 * number or address to one account.
 */
@ApiTags('webhooks')
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
