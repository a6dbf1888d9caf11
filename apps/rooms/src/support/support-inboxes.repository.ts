import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { CrmContact, SupportInbox } from '@parley/database';

export type StoredInboxTeam = { _id: Types.ObjectId; members: { conversation_id: Types.ObjectId }[] };
export type StoredContact = CrmContact & { _id: Types.ObjectId };

/**
 * What rooms reads from outside for support rooms: inboxes (written by support-routing) for their
 * team, and the account's CRM contacts (written by the CRM).
 */
@Injectable()
export class SupportInboxesRepository {
  constructor(
    @InjectModel(SupportInbox.name) private readonly inboxes: Model<SupportInbox>,
    @InjectModel(CrmContact.name) private readonly contacts: Model<CrmContact>,
  ) {}

  /** A live inbox of the account with its members. */
  async findLive(accountId: string, id: Types.ObjectId): Promise<StoredInboxTeam | null> {
    return this.inboxes.findOne({ _id: id, account_id: accountId, deleted: false }, { members: 1 }).lean<StoredInboxTeam>();
  }

  async findContact(accountId: string, id: Types.ObjectId): Promise<StoredContact | null> {
    return this.contacts.findOne({ _id: id, account_id: accountId }).lean<StoredContact>();
  }

  /**
   * The account's CRM contact with this number or address, if the CRM knows one. Parley names
   * contacts by ObjectId (`contact.id`): a CRM entry keyed otherwise is not one it can name, and
   * the contact is taken as unknown rather than failing the customer's message.
   */
  async findContactByAddress(accountId: string, address: { phone?: string; email?: string }): Promise<StoredContact | null> {
    const or = [...(address.phone ? [{ phone: address.phone }] : []), ...(address.email ? [{ email: address.email }] : [])];
    if (or.length === 0) return null;
    return this.contacts.findOne({ account_id: accountId, _id: { $type: 'objectId' }, $or: or }).lean<StoredContact>();
  }
}
