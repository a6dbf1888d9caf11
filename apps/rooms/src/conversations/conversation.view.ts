import type { ConversationView } from '@parley/contracts';
import type { Conversation } from '@parley/database';
import type { Types } from 'mongoose';

/** A stored conversation as the API shows it. */
export function toConversationView(conversation: Conversation & { _id: Types.ObjectId }): ConversationView {
  return {
    id: conversation._id.toHexString(),
    account_id: conversation.account_id,
    user_id: conversation.user_id,
    status: conversation.status,
    default_sms_inbound: conversation.default_sms_inbound,
    default_email_inbound: conversation.default_email_inbound,
    created: conversation.created.toISOString(),
  };
}
