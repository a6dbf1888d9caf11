import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { AnyBulkWriteOperation, Model, Types } from 'mongoose';
import { Message, MessagingMigration } from '@parley/database';
import { plainTextOf } from './plain-text.js';

const MIGRATION = 'message-plain-text';
/** Messages written per bulk write. */
const BATCH = 1000;

/**
 * Fills in `plain_text`, what message search matches, for messages stored before it existed: once
 * per database, in the background after start-up (search does not find those messages until it is
 * done), with progress in the log. Idempotent, so two instances or a restart midway are harmless.
 */
@Injectable()
export class PlainTextBackfill implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    @InjectModel(MessagingMigration.name) private readonly migrations: Model<MessagingMigration>,
    @InjectPinoLogger(PlainTextBackfill.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run().catch((error: unknown) => this.logger.error({ err: error }, 'filling in the search text of older messages failed; the next start tries again'));
  }

  /** Lets a batch under way finish before the MongoDB connection closes; the next start goes on. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Runs the backfill unless this database has had it; resolves when done or stopped. */
  async run(): Promise<void> {
    if (await this.migrations.exists({ _id: MIGRATION })) return;
    const missing = { plain_text: { $exists: false } };
    const total = await this.messages.countDocuments(missing);
    if (total > 0) this.logger.info({ total }, 'filling in the search text of older messages');
    const cursor = this.messages.find(missing, { content: 1 }).lean<{ _id: Types.ObjectId; content: string }[]>().cursor({ batchSize: BATCH });
    let batch: AnyBulkWriteOperation<Message>[] = [];
    let done = 0;
    const write = async () => {
      await this.messages.bulkWrite(batch, { ordered: false });
      done += batch.length;
      batch = [];
      this.logger.info({ done, total }, 'search text of older messages filled in');
    };
    try {
      for await (const message of cursor) {
        if (this.stopped) return;
        batch.push({ updateOne: { filter: { _id: message._id, ...missing }, update: { $set: { plain_text: plainTextOf(message.content) } } } });
        if (batch.length === BATCH) await write();
      }
      if (batch.length > 0) await write();
    } finally {
      await cursor.close();
    }
    await this.migrations.updateOne({ _id: MIGRATION }, { $set: { done_at: new Date() } }, { upsert: true });
  }
}
