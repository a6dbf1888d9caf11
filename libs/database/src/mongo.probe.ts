import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { DependencyProbe } from '@parley/platform';

/** Health of MongoDB: a ping, and whether the server is a writable replica set member. */
@Injectable()
export class MongoProbe implements DependencyProbe {
  readonly name = 'mongodb';

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async probe(): Promise<Record<string, unknown>> {
    const db = this.connection.db;
    if (!db) throw new Error('not connected');
    const hello = await db.admin().command({ hello: 1 });
    if (!hello.isWritablePrimary) throw new Error('not connected to a writable primary');
    return { replicaSet: hello.setName ?? null };
  }
}
