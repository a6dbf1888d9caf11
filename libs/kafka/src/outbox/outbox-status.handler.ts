import { Controller, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OutboxStatusPatterns, type OutboxStatusView } from '@parley/contracts';
import { OutboxEntry } from '@parley/database';
import { MARK_INTERVAL_MS, SWEEP_MIN_AGE_MS } from './outbox-relay.js';

/**
 * Entries younger than this are on their normal way out (published right after their commit,
 * marked within a second, swept at 3 s); older unsent ones are a backlog an operator should see.
 */
export const OUTBOX_BACKLOG_AGE_MS = SWEEP_MIN_AGE_MS + MARK_INTERVAL_MS + 1000;

/**
 * The handler by which an app answers the gateway's `GET /admin/health` for its outbox. Made per
 * app because each app answers on its own command topic.
 */
export function outboxStatusHandler(appName: string): Type {
  const pattern = OutboxStatusPatterns[appName as keyof typeof OutboxStatusPatterns];
  if (!pattern) throw new Error(`${appName} has an outbox but no OutboxStatusPatterns entry in @parley/contracts`);

  @Controller()
  class OutboxStatusHandler {
    constructor(@InjectModel(OutboxEntry.name) private readonly entries: Model<OutboxEntry>) {}

    /** Counts on the (published_at, created_at) index: cheap however large the outbox grows. */
    @MessagePattern(pattern)
    async status(): Promise<OutboxStatusView> {
      const filter = { published_at: null, created_at: { $lte: new Date(Date.now() - OUTBOX_BACKLOG_AGE_MS) } };
      const [backlog, oldest] = await Promise.all([
        this.entries.countDocuments(filter),
        this.entries.findOne(filter, { created_at: 1 }).sort({ created_at: 1 }).lean(),
      ]);
      return { backlog, oldest_unsent_age_ms: oldest ? Date.now() - oldest.created_at.getTime() : null };
    }
  }
  return OutboxStatusHandler;
}
