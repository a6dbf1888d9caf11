/** Payloads of the rooms app's request-reply patterns (what follows `actor` in a CommandMessage). */

export interface RoomCreatePayload {
  type: 'direct';
  member?: string;
}

export interface RoomRefPayload {
  roomId: string;
}

export interface RoomReadPayload {
  roomId: string;
  messageId: string;
}

export interface RoomListPayload {
  before?: string;
  after?: string;
  limit?: number;
}
