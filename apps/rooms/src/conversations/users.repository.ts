import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { User, containsText } from '@parley/database';


/** The account's users (`_users`, read only): names for lists and search. */
@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /** Ids of the account's users whose name contains the text, case-insensitively. */
  async idsMatching(accountId: string, text: string, limit = 1000): Promise<string[]> {
    const found = await this.users
      .find({ account_id: accountId, name: containsText(text) }, { _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    return found.map((user) => user._id);
  }
}
