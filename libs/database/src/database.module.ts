import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { PlatformConfig } from '@parley/platform';

/**
 * Holds start-up until every model this app registered has its collection and indexes, so the
 * first request cannot race a unique index into existence.
 */
@Injectable()
class ModelsReady implements OnModuleInit {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    await Promise.all(Object.values(this.connection.models).map((model) => model.init()));
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
          serverSelectionTimeoutMS: 10_000,
          maxPoolSize: 50,
        }),
      ],
      providers: [ModelsReady],
    };
  }
}
