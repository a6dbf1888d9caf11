import { Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { PlatformConfig } from '@parley/platform';

/**
 * Indexes an earlier schema had that today's conflict with, by collection (MongoDB keeps one text
 * index per collection, so a text index over another field cannot be built beside it).
 */
export const OBSOLETE_INDEXES: Record<string, string[]> = {
  // The message search index over the stored HTML, now over `plain_text` (messaging fills it in for older messages).
  'conversations.messages': ['account_id_1_content_text'],
  // A number or address unique per account, now across accounts (channels_*_owner).
  'support.inboxes': ['account_id_1_channels.phone_numbers_1', 'account_id_1_channels.email_addresses_1'],
};

/** MongoDB's answers when an index conflicts with one already there. */
const INDEX_CONFLICTS = new Set([85, 86]);

/**
 * Holds start-up until every model this app registered has its collection and indexes, so the
 * first request cannot race a unique index into existence. Obsolete indexes go first; a model whose
 * indexes were tried (when it was registered) before they went builds them again. A unique index
 * that data written before it existed breaks is logged, not fatal: every app registering the model
 * would otherwise refuse to start over rows an operator has to settle.
 */
@Injectable()
class ModelsReady implements OnModuleInit {
  private readonly logger = new Logger(ModelsReady.name);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    const models = Object.values(this.connection.models);
    for (const model of models) {
      for (const name of OBSOLETE_INDEXES[model.collection.collectionName] ?? []) {
        // Gone already (another app, another instance, a new database): nothing to do.
        await model.collection.dropIndex(name).catch((error: { code?: number }) => {
          if (error.code !== 26 && error.code !== 27) throw error;
        });
      }
    }
    await Promise.all(
      models.map((model) =>
        model
          .init()
          .catch(async (error: { code?: number }) => {
            if (!INDEX_CONFLICTS.has(error.code ?? 0)) throw error;
            await model.ensureIndexes();
          })
          .catch((error: { code?: number; message?: string }) => {
            if (error.code !== 11000) throw error;
            this.logger.error(`${model.collection.collectionName}: a unique index cannot be built over documents that break it; settle them and restart: ${error.message}`);
          }),
      ),
    );
  }
}

/** The MongoDB connection of an app (a replica set: transactions and change streams need one). */
@Module({})
export class DatabaseModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MongooseModule.forRoot(config.MONGO_URL, {
          dbName: config.MONGO_DB,
          autoIndex: true,
          autoCreate: true,
          // Under the gateway's 10 s command timeout: with MongoDB away an app answers 503 with
          // Retry-After in a few seconds rather than leaving its caller to a 504 (a failover takes
          // about as long, and a retry after it succeeds).
          serverSelectionTimeoutMS: 3000,
          maxPoolSize: 50,
        }),
      ],
      providers: [ModelsReady],
    };
  }
}
