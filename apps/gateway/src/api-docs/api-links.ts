import type { LinkObject, LinksObject } from '@nestjs/swagger';

/**
 * The document's response links: which operation's output feeds which operation's input (the id
 * of a room just created is the room to send to), so a client generator or a stateful tester can
 * chain them. Operations are named by the operationId the document gives them
 * (`<Controller>_<method>`); the contract test fails on a link to an operation that is not there.
 */

const ID = '$response.body#/id';

function link(operationId: string, parameters: Record<string, string>, requestBody?: Record<string, unknown>, description?: string): LinkObject {
  return { operationId, parameters, ...(requestBody ? { requestBody } : {}), ...(description ? { description } : {}) };
}

/** A room (created, or found): read and change it, its members and settings, and talk in it. */
export const ROOM_LINKS: LinksObject = {
  GetRoom: link('RoomsController_get', { id: ID }),
  RenameChannel: link('RoomsController_rename', { id: ID }),
  DeleteChannel: link('RoomsController_remove', { id: ID }),
  AddMembers: link('RoomsController_addMembers', { id: ID }),
  RemoveFirstMember: link('RoomsController_removeMember', { id: ID, conversationId: '$response.body#/members/0/conversation_id' }),
  FavoriteRoom: link('RoomsController_favorite', { id: ID }),
  UnfavoriteRoom: link('RoomsController_unfavorite', { id: ID }),
  SnoozeRoom: link('RoomsController_snooze', { id: ID }),
  UnsnoozeRoom: link('RoomsController_unsnooze', { id: ID }),
  SendMessage: link('MessagesController_create', { id: ID }),
  ListMessages: link('MessagesController_list', { id: ID }),
};

/** A message (sent, or edited): edit, delete, favorite it, be reminded of it, read up to it. */
export const MESSAGE_LINKS: LinksObject = {
  EditMessage: link('MessagesController_update', { id: ID }),
  MessageHistory: link('MessagesController_history', { id: ID }),
  DeleteMessage: link('MessagesController_remove', { id: ID }),
  FavoriteMessage: link('MessagesController_favorite', { id: ID }),
  UnfavoriteMessage: link('MessagesController_unfavorite', { id: ID }),
  RemindOfMessage: link('MessagesController_createReminder', { id: ID }),
  ReadUpToMessage: link('RoomsController_read', { id: '$response.body#/room_id' }, { messageId: ID }),
};

/** A reminder just set: cancel it. */
export const REMINDER_LINKS: LinksObject = {
  CancelReminder: link('MessagesController_removeReminder', { id: '$response.body#/message_id', reminderId: ID }),
};

/** An inbox (created, or changed): read, change and delete it, its team, and open rooms in it. */
export const INBOX_LINKS: LinksObject = {
  GetInbox: link('SupportController_getInbox', { id: ID }),
  UpdateInbox: link('SupportController_updateInbox', { id: ID }),
  DeleteInbox: link('SupportController_deleteInbox', { id: ID }),
  InboxStats: link('SupportController_stats', { id: ID }),
  RemoveFirstInboxMember: link('SupportController_removeMember', { id: ID, conversationId: '$response.body#/members/0/conversation_id' }),
  OpenSupportRoom: link('SupportController_openRoom', {}, { inbox_id: ID }),
  ListInboxRooms: link('SupportController_listRooms', { inbox_id: ID }),
};

/** A support room (opened, or its state changed): its state, and talk in it. */
export const SUPPORT_ROOM_LINKS: LinksObject = {
  ResolveSupportRoom: link('SupportController_resolve', { id: ID }),
  ReopenSupportRoom: link('SupportController_reopen', { id: ID }),
  GetSupportRoom: link('RoomsController_get', { id: ID }),
  AnswerInSupportRoom: link('MessagesController_create', { id: ID }),
};

/** The caller's conversation: a member to add to an inbox. */
export const CONVERSATION_LINKS: LinksObject = {
  InboxOfMe: link('SupportController_createInbox', {}, { members: ['$response.body#/id'] }),
};

/** A listing thread of the m2m API: change it, and write in it as one participant to the other. */
export const M2M_THREAD_LINKS: LinksObject = {
  UpdateThread: link('M2mThreadsController_update', { id: ID }),
  DeleteThread: link('M2mThreadsController_remove', { id: ID }),
  WriteInThread: link('M2mMessagesController_create', {}, {
    data: { conversationThreadId: ID, senderId: '$response.body#/participantIds/0', receiverId: '$response.body#/participantIds/1' },
  }),
};

/** A listing message of the m2m API: change or delete it. */
export const M2M_MESSAGE_LINKS: LinksObject = {
  UpdateMessage: link('M2mMessagesController_update', { id: ID }),
  DeleteMessage: link('M2mMessagesController_remove', { id: ID }),
};
