/**
 * Request-reply patterns the rooms app serves, named `<app>.<entity>.<action>`. They travel on the
 * app's command topic (see commandTopic); replies come back on `parley.replies`, on a partition the sender owns.
 */
export const RoomsPatterns = {
  /** Get the caller's conversation, creating it on first use. */
  ConversationEnsure: 'rooms.conversation.ensure',
  /** The account's team conversations with their users' names. */
  ConversationList: 'rooms.conversation.list',
  /** Change the caller's conversation settings (default SMS/email inbound). */
  ConversationUpdate: 'rooms.conversation.update',
  /** Set the caller's presence status (kept in a history). */
  ConversationSetStatus: 'rooms.conversation.set-status',
  /** Create a room, or return the existing direct or listing room between two members. */
  RoomCreate: 'rooms.room.create',
  /** List the caller's rooms, most recent activity first. */
  RoomList: 'rooms.room.list',
  /** One room the caller belongs to. */
  RoomGet: 'rooms.room.get',
  /** Rename a channel (admin). */
  RoomUpdate: 'rooms.room.update',
  /** Soft-delete a channel (admin). */
  RoomDelete: 'rooms.room.delete',
  /** Add members to a channel. */
  RoomAddMembers: 'rooms.room.add-members',
  /** Remove a member from a channel. */
  RoomRemoveMember: 'rooms.room.remove-member',
  /** Mark a room read up to a message for the caller. */
  RoomRead: 'rooms.room.read',
  /** Mark a room unread for the caller from a message on (their own badge; the read receipt stays). */
  RoomMarkUnread: 'rooms.room.mark-unread',
  /** A service's read and unread marks and reactivations (the m2m endpoints): unread counts follow. Payload: { reads, unreads?, recounts? }. */
  ServiceReads: 'rooms.room.service-reads',
  /** Favorite or unfavorite a room for the caller. */
  RoomSetFavorite: 'rooms.room.set-favorite',
  /** The open support room of a contact in an inbox, opened if there is none (routing follows from its event). */
  SupportRoomOpen: 'rooms.support-room.open',
  /** The direct room of the account's default inbound conversation with a contact, opened if there is none. */
  DirectContactRoomOpen: 'rooms.support-room.open-direct',
  /** Snooze a room for the caller until a time, or end the snooze. */
  RoomSetSnooze: 'rooms.room.set-snooze',
} as const;
