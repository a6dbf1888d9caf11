import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model } from 'mongoose';
import { DeliveryAttempt, EarlyDeliveryReport } from '@parley/database';

export type StoredAttempt = DeliveryAttempt;

/** Delivery attempts (`delivery.attempts`), one document per message, and providers' reports that came before them (`delivery.early_reports`). */
@Injectable()
export class DeliveryAttemptsRepository {
  constructor(
    @InjectModel(DeliveryAttempt.name) private readonly attempts: Model<DeliveryAttempt>,
    @InjectModel(EarlyDeliveryReport.name) private readonly earlyReports: Model<EarlyDeliveryReport>,
  ) {}

  /** The message's delivery record, made (pending) on first sight. */
  async open(entry: Pick<DeliveryAttempt, '_id' | 'account_id' | 'room_id' | 'channel' | 'provider' | 'to' | 'from'>): Promise<StoredAttempt> {
    return (await this.attempts
      .findOneAndUpdate({ _id: entry._id }, { $setOnInsert: { ...entry, state: 'pending', attempts: [] } }, { upsert: true, returnDocument: 'after' })
      .lean<StoredAttempt>()) as StoredAttempt;
  }

  /** Marks a provider call as possibly out, durably, before making it. */
  async markCalling(id: string): Promise<void> {
    await this.attempts.updateOne({ _id: id, state: { $in: ['pending', 'calling'] } }, { $set: { state: 'calling', calling_since: new Date() } });
  }

  /**
   * Records a failed call that will be tried again: `pending`, or still `calling` when no answer
   * came (the provider may have the message: the next attempt asks it first).
   */
  async recordRetry(id: string, code: string, unanswered: boolean): Promise<void> {
    await this.attempts.updateOne(
      { _id: id },
      {
        $set: unanswered ? { state: 'calling' } : { state: 'pending', calling_since: null },
        $push: { attempts: { at: new Date(), outcome: 'transient', provider_id: null, error_code: code } },
      },
    );
  }

  /** Records the outcome that ends the sending (sent, or failed for good); false if it had ended already. */
  async finish(
    id: string,
    outcome: { state: 'sent' | 'failed'; providerId: string | null; code: string | null; attempt: 'sent' | 'transient' | 'permanent' | 'found' },
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.attempts.updateOne(
      { _id: id, state: { $in: ['pending', 'calling'] } },
      {
        $set: { state: outcome.state, provider_id: outcome.providerId, error_code: outcome.code, calling_since: null },
        $push: { attempts: { at: new Date(), outcome: outcome.attempt, provider_id: outcome.providerId, error_code: outcome.code } },
      },
      { session },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Reopens a delivery whose transient failures outlasted its retries (the ones parked as dead
   * letters), for an operator's replay: pending again, with a `replayed` mark that starts a new
   * round of attempts. Null when it did not end that way (sent, or refused for good): nothing to redo.
   */
  async reopen(id: string): Promise<StoredAttempt | null> {
    return this.attempts
      .findOneAndUpdate(
        { _id: id, state: 'failed', $expr: { $eq: [{ $last: '$attempts.outcome' }, 'transient'] } },
        {
          $set: { state: 'pending', error_code: null, calling_since: null },
          $push: { attempts: { at: new Date(), outcome: 'replayed', provider_id: null, error_code: null } },
        },
        { returnDocument: 'after' },
      )
      .lean<StoredAttempt>();
  }

  /** The delivery a provider report names, by the provider's id. */
  async findByProviderId(provider: 'twilio' | 'sendgrid', providerId: string): Promise<StoredAttempt | null> {
    return this.attempts.findOne({ provider, provider_id: providerId }).lean<StoredAttempt>();
  }

  /** Moves a sent delivery on to what the provider reported (delivered or failed); false if it was not newer. */
  async report(id: string, state: 'delivered' | 'failed', code: string | null, session: ClientSession): Promise<boolean> {
    const from: DeliveryAttempt['state'][] = state === 'delivered' ? ['sent'] : ['sent', 'delivered'];
    const result = await this.attempts.updateOne({ _id: id, state: { $in: from } }, { $set: { state, error_code: code } }, { session });
    return result.modifiedCount === 1;
  }

  /**
   * Keeps a report no delivery has claimed yet: a failure replaces a delivered report (as it would
   * move a delivered message on), a delivered report does not replace a failure.
   */
  async keepEarlyReport(provider: 'twilio' | 'sendgrid', providerId: string, state: 'delivered' | 'failed', code: string | null): Promise<void> {
    const _id = `${provider}:${providerId}`;
    const update = state === 'failed' ? { $set: { state, error_code: code, received_at: new Date() } } : { $setOnInsert: { state, error_code: code, received_at: new Date() } };
    await this.earlyReports.updateOne({ _id }, update, { upsert: true });
  }

  /** Takes (removes and answers) the report kept for this provider id, if one came early. */
  async claimEarlyReport(provider: 'twilio' | 'sendgrid', providerId: string, session?: ClientSession): Promise<EarlyDeliveryReport | null> {
    return this.earlyReports.findOneAndDelete({ _id: `${provider}:${providerId}` }, { session }).lean<EarlyDeliveryReport>();
  }
}
