import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { User } from '@parley/database';
import { RoomsConfig } from '../rooms.config.js';

/**
 * The identity service's stand-in under `npm start` (DEV_USERS): a user who opens their
 * conversation is recorded in `_users`, named by their id, unless the identity service (or a
 * developer) already has them. Off, it does nothing: `_users` is read only.
 */
@Injectable()
export class DevUsers {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly config: RoomsConfig,
  ) {}

  /** Records the user if DEV_USERS is on and `_users` does not know them yet. */
  async record(accountId: string, userId: string): Promise<void> {
    if (!this.config.DEV_USERS) return;
    try {
      await this.users.updateOne({ _id: userId }, { $setOnInsert: { account_id: accountId, name: userId } }, { upsert: true });
    } catch (error) {
      // Two first opens raced: the other wrote the same document.
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
}
