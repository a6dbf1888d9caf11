/**
 * Request-reply patterns the rooms app serves, named `<app>.<entity>.<action>`. Each is a Kafka
 * topic; its replies come back on `<pattern>.reply`.
 */
export const RoomsPatterns = {
  /** Get the caller's conversation, creating it on first use. */
  ConversationEnsure: 'rooms.conversation.ensure',
  /** Create a room, or return the existing direct room between two members. */
  RoomCreate: 'rooms.room.create',
  /** List the caller's rooms, most recent activity first. */
  RoomList: 'rooms.room.list',
  /** One room the caller belongs to. */
  RoomGet: 'rooms.room.get',
  /** Mark a room read up to a message for the caller. */
  RoomRead: 'rooms.room.read',
} as const;
