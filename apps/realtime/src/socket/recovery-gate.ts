import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';

/** The part of a session Socket.IO's adapter restores (socket.io-adapter's Session) that the gate holds back. */
interface RestoredSession {
  sid: string;
  rooms: string[];
  missedPackets: unknown[][];
}

/** socket.io-parser's PacketType.EVENT: how a missed packet goes out again. */
const EVENT_PACKET = 2;

/** What a restored session brought back, held for its handshake. */
interface HeldRecovery {
  rooms: string[];
  missedPackets: unknown[][];
  heldAt: number;
}

/** Long enough for any handshake; an entry older than this belongs to a connection that went away. */
const HOLD_MS = 60_000;

/**
 * Connection state recovery, held until the handshake proves who connects. Socket.IO restores a
 * session (joins its rooms, sends the packets it missed) for whoever presents its private id, before
 * any middleware has seen the token: another account's user holding a stolen id would get the
 * victim's messages, and stay in their rooms. So the adapter hands Socket.IO each restored session
 * without its rooms and packets (hold), and the handshake gives them back only to a token of the
 * user the session was (release); anyone else starts afresh, with none of them.
 */
@Injectable()
export class RecoveryGate {
  private readonly held = new Map<string, HeldRecovery>();

  /** Keeps a restored session's rooms and missed packets, by its socket id; returns the session without them. */
  hold<T extends RestoredSession>(session: T): T {
    const now = Date.now();
    for (const [sid, entry] of this.held) if (now - entry.heldAt > HOLD_MS) this.held.delete(sid);
    this.held.set(session.sid, { rooms: session.rooms, missedPackets: session.missedPackets, heldAt: now });
    return { ...session, rooms: [], missedPackets: [] };
  }

  /**
   * Ends a recovered socket's hold: to the same user it gives back the session's rooms and missed
   * packets (in the order Socket.IO would have sent them, before the socket is connected); anyone
   * else gets neither: it starts afresh. Nothing to do for a socket not recovered.
   */
  async release(socket: Socket, sameUser: boolean): Promise<void> {
    const entry = this.held.get(socket.id);
    this.held.delete(socket.id);
    if (!socket.recovered || !sameUser || !entry) return;
    await socket.join(entry.rooms);
    // As Socket.IO's own recovery sends them: straight to this connection, each with its stream
    // offset. (socket.emit would broadcast them anew, to a socket not connected yet: lost.)
    const raw = socket as unknown as { packet(packet: { type: number; data: unknown[] }): void };
    for (const data of entry.missedPackets) raw.packet({ type: EVENT_PACKET, data });
  }

  /** Drops a socket's hold without giving anything back (its handshake was refused). */
  discard(socket: Socket): void {
    this.held.delete(socket.id);
  }
}
