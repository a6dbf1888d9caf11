import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Connection } from 'mongoose';
import {
  createEnvelope,
  EventTopics,
  type DeliveryReportPayload,
  type DeliveryRequestedData,
  type DeliveryStatus,
  type DeliveryStatusData,
  type EventEnvelope,
} from '@parley/contracts';
import { runTransaction } from '@parley/database';
import { DeadLetterError, Outbox, RetryLaterError } from '@parley/kafka';
import { ObjectStorage } from '@parley/storage';
import { OutboundDeliveryConfig } from '../outbound-delivery.config.js';
import { ProviderFailure, type ChannelProvider, type OutboundAttachment, type OutboundMessage } from '../providers/provider-failure.js';
import { SendgridEmailProvider } from '../providers/sendgrid-email.provider.js';
import { TwilioSmsProvider } from '../providers/twilio-sms.provider.js';
import { DeliveryAttemptsRepository, type StoredAttempt } from './delivery-attempts.repository.js';

/** How long a provider may take to fetch an MMS's media. */
const MMS_MEDIA_URL_SECONDS = 24 * 3600;

/** A call marked `calling` for longer than this was cut short by a crash: the provider is asked before sending again. */
const CALL_LEASE_MS = 60_000;

/** Twilio's and SendGrid's words for a message that reached the contact, or did not. */
const DELIVERED = new Set(['delivered', 'read']);
const FAILED = new Set(['failed', 'undelivered', 'bounce', 'dropped', 'blocked']);

/**
 * Sends each requested SMS or email exactly once. Before every provider call the delivery is marked
 * `calling` in MongoDB; after it, the outcome and its `parley.delivery.status` event commit together.
 * A redelivered request finds the record and does nothing, or (when a process died mid-call) asks
 * the provider whether the message went out before sending it again. Transient failures retry with
 * exponential backoff and full jitter (the request is fetched again after each wait: RetryLaterError),
 * then fail and go to the dead-letter topic; permanent ones fail at once.
 * An operator's replay of such a dead letter (once the provider is back) reopens the failed delivery
 * with a fresh round of attempts; any other redelivery of a request that ended changes nothing.
 */
@Injectable()
export class DeliveriesService {
  /** Provider calls this process has out right now, by message id. */
  private readonly inFlight = new Set<string>();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly attempts: DeliveryAttemptsRepository,
    private readonly sms: TwilioSmsProvider,
    private readonly email: SendgridEmailProvider,
    private readonly outbox: Outbox,
    private readonly config: OutboundDeliveryConfig,
    private readonly storage: ObjectStorage,
    @InjectPinoLogger(DeliveriesService.name) private readonly logger: PinoLogger,
  ) {}

  /** Delivers one requested message (see the class); `replayed` when an operator replays its dead letter. */
  async deliver(envelope: EventEnvelope<DeliveryRequestedData>, correlationId?: string, replayed = false): Promise<void> {
    const { data } = envelope;
    const provider: ChannelProvider = data.channel === 'sms' ? this.sms : this.email;
    let message: OutboundMessage = { to: data.to, from: data.from, content: data.content, subject: data.subject, inReplyTo: data.in_reply_to, idempotencyKey: data.message_id };
    let record = await this.attempts.open({
      _id: data.message_id,
      account_id: envelope.accountId,
      room_id: data.room_id,
      channel: data.channel,
      provider: provider.name,
      to: data.to,
      from: data.from,
    });
    if (record.state === 'failed' && replayed) record = (await this.attempts.reopen(record._id)) ?? record;
    // Failed on transient errors, yet redelivered: the process died between recording the failure and
    // parking the request. Park it now (dead letters are kept once per event, so a second parking is harmless).
    if (record.state === 'failed' && !replayed && record.attempts.at(-1)?.outcome === 'transient') {
      throw new DeadLetterError(`${record.error_code ?? 'failed'}: the delivery had failed before this redelivery`, transientSinceReplay(record));
    }
    if (record.state !== 'pending' && record.state !== 'calling') return;
    const attempt = transientSinceReplay(record) + 1;
    if (record.state === 'calling') {
      const since = record.calling_since ?? new Date(0);
      // This process has the call out right now (a redelivery raced it): the call records itself.
      if (Date.now() - since.getTime() < CALL_LEASE_MS && this.inFlight.has(record._id)) return;
      // A call may have reached the provider (the process died during it, or its answer never came):
      // ask before sending again. Not reaching the provider to ask is a failed attempt like any other.
      let found: string | null;
      try {
        found = await provider.findSent(message, since);
      } catch (error) {
        return await this.failedAttempt(envelope, record, attempt, error, correlationId, true);
      }
      if (found) {
        this.logger.info({ messageId: data.message_id, providerId: found }, 'an earlier call had sent it: recorded, not sent again');
        await this.finish(envelope, record, { state: 'sent', providerId: found, code: null, attempt: 'found' }, correlationId);
        return;
      }
    }
    await this.attempts.markCalling(record._id);
    this.inFlight.add(record._id);
    try {
      let accepted: { providerId: string };
      try {
        // Inside the attempt: a storage hiccup retries like a provider's, a missing file fails for good.
        if (data.attachments?.length) message = { ...message, attachments: await this.attachmentsOf(data) };
        accepted = await provider.send(message);
      } catch (error) {
        return await this.failedAttempt(envelope, record, attempt, error, correlationId);
      }
      if (this.config.DELIVERY_FAILPOINT === 'delivery.after-provider-call') await this.dieAtFailpoint(data.message_id);
      // Outside the provider's try: failing to record a message the provider took must not send it
      // again. The handling is retried, finds the call marked `calling` and asks the provider first.
      await this.finish(envelope, record, { state: 'sent', providerId: accepted.providerId, code: null, attempt: 'sent' }, correlationId);
    } finally {
      this.inFlight.delete(record._id);
    }
  }

  /**
   * After a failed provider call: fails the delivery for good (a refusal, or the last attempt, which
   * is parked as a dead letter), or records the attempt and has the request fetched again after the
   * backoff (RetryLaterError), so that the wait holds up neither the other deliveries nor the
   * providers' reports on this app's consumer. The next attempt asks the provider first when this
   * one may have left the message with it: no answer came, or the provider could not be asked (`askFirst`).
   */
  private async failedAttempt(
    envelope: EventEnvelope<DeliveryRequestedData>,
    record: StoredAttempt,
    attempt: number,
    error: unknown,
    correlationId?: string,
    askFirst?: boolean,
  ): Promise<void> {
    const messageId = envelope.data.message_id;
    const failure = error instanceof ProviderFailure ? error : new ProviderFailure(true, 'network', String((error as Error).message ?? error));
    if (!failure.transient || attempt >= this.config.DELIVERY_MAX_ATTEMPTS) {
      this.logger.warn({ messageId, code: failure.code, attempt, err: failure }, 'delivery failed for good');
      await this.finish(envelope, record, { state: 'failed', providerId: null, code: failure.code, attempt: failure.transient ? 'transient' : 'permanent' }, correlationId);
      if (this.config.DELIVERY_FAILPOINT === 'delivery.after-failed') await this.dieAtFailpoint(messageId);
      // Parked for an operator to replay once the provider is back; a refusal would be refused again.
      if (failure.transient) throw new DeadLetterError(`${failure.code}: ${failure.message}`, attempt);
      return;
    }
    await this.attempts.recordRetry(record._id, failure.code, askFirst ?? failure.unanswered);
    const wait = this.backoff(attempt);
    this.logger.warn({ messageId, code: failure.code, attempt, retryInMs: wait }, 'delivery failed; retrying');
    throw new RetryLaterError(`${failure.code}: ${failure.message}`, wait);
  }

  /**
   * The stored files of a message as its channel sends them: an email carries the bytes; an MMS
   * links them (a presigned URL the provider fetches within the day). A file gone from the bucket
   * fails the delivery for good (retrying cannot bring it back).
   */
  private async attachmentsOf(data: DeliveryRequestedData): Promise<OutboundAttachment[] | undefined> {
    if (!data.attachments?.length) return undefined;
    return Promise.all(
      data.attachments.map(async (attachment) => {
        if (data.channel === 'sms') {
          const { url } = await this.storage.presignGet(attachment.storage_key, MMS_MEDIA_URL_SECONDS);
          return { name: attachment.name, contentType: attachment.content_type, url };
        }
        const stored = await this.storage.get(attachment.storage_key);
        if (!stored) throw new ProviderFailure(false, 'attachment_missing', `attachment ${attachment.storage_key} is not in the bucket`);
        return { name: attachment.name, contentType: attachment.content_type, body: stored.body };
      }),
    );
  }

  /**
   * Applies a provider's report (the gateway checked its signature): delivered or failed, once. A
   * report for a provider id no delivery has recorded yet is kept for the delivery to claim when it
   * records it (the provider's callback overtook a call whose answer was lost).
   */
  async report(payload: DeliveryReportPayload, correlationId?: string): Promise<{ applied: boolean }> {
    const status = DELIVERED.has(payload.provider_status) ? 'delivered' : FAILED.has(payload.provider_status) ? 'failed' : null;
    if (!status) return { applied: false };
    const code = payload.error_code ?? null;
    let record = await this.attempts.findByProviderId(payload.provider, payload.provider_id);
    if (!record) {
      await this.attempts.keepEarlyReport(payload.provider, payload.provider_id, status, code);
      // The delivery may have recorded the id between the look and the keeping: claim it back then.
      record = await this.attempts.findByProviderId(payload.provider, payload.provider_id);
      if (!record || !(await this.attempts.claimEarlyReport(payload.provider, payload.provider_id))) return { applied: false };
    }
    const found = record;
    const applied = await runTransaction(this.connection, async (session) => {
      const moved = await this.attempts.report(found._id, status, code, session);
      if (moved) await this.outbox.add(session, [this.statusEvent(found, status, found.provider_id, code)], correlationId);
      return moved;
    });
    return { applied };
  }

  /**
   * Records the end of the sending and its status event in one transaction; a sent message also
   * takes the provider's report that came before it (delivered or failed), with its event.
   */
  private async finish(
    envelope: EventEnvelope<DeliveryRequestedData>,
    record: StoredAttempt,
    outcome: { state: 'sent' | 'failed'; providerId: string | null; code: string | null; attempt: 'sent' | 'transient' | 'permanent' | 'found' },
    correlationId?: string,
  ): Promise<void> {
    await runTransaction(this.connection, async (session) => {
      if (!(await this.attempts.finish(record._id, outcome, session))) return;
      const events = [this.statusEvent(record, outcome.state, outcome.providerId, outcome.code, envelope)];
      const early = outcome.state === 'sent' && outcome.providerId ? await this.attempts.claimEarlyReport(record.provider, outcome.providerId, session) : null;
      if (early && (await this.attempts.report(record._id, early.state, early.error_code, session))) {
        events.push(this.statusEvent(record, early.state, outcome.providerId, early.error_code, envelope));
      }
      await this.outbox.add(session, events, correlationId);
    });
  }

  private statusEvent(
    record: StoredAttempt,
    status: DeliveryStatus,
    providerId: string | null,
    code: string | null,
    cause?: EventEnvelope<DeliveryRequestedData>,
  ): EventEnvelope<DeliveryStatusData> {
    const data: DeliveryStatusData = {
      room_id: record.room_id,
      message_id: record._id,
      channel: record.channel,
      status,
      provider_id: providerId,
      error_code: code,
      at: new Date().toISOString(),
    };
    return createEnvelope({ type: EventTopics.DeliveryStatus, accountId: cause?.accountId ?? record.account_id, key: record.room_id, actor: null, data });
  }

  /** Test failpoints: die the hard way (no shutdown hooks, no offset commit), as a crash would. */
  private async dieAtFailpoint(messageId: string): Promise<never> {
    this.logger.fatal({ messageId }, `failpoint ${this.config.DELIVERY_FAILPOINT}: killing the process`);
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => undefined);
  }

  /** Exponential backoff with full jitter: a random wait up to base × 2^(attempt-1), capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.config.DELIVERY_BACKOFF_MAX_MS, this.config.DELIVERY_BACKOFF_MS * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

/** Transient failures since the delivery was last reopened by a replay: each replay gets every attempt again. */
function transientSinceReplay(record: StoredAttempt): number {
  let count = 0;
  for (let index = record.attempts.length - 1; index >= 0 && record.attempts[index].outcome !== 'replayed'; index--) {
    if (record.attempts[index].outcome === 'transient') count++;
  }
  return count;
}
