import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisConnection } from '@parley/platform';
import { corsOrigins, type RealtimeConfig } from '../realtime.config.js';
import { RecoveryGate } from './recovery-gate.js';

/**
 * Socket.IO over Redis streams: an event emitted on one realtime instance reaches sockets on all of
 * them, and a client that drops for a moment gets the packets it missed (connection state recovery,
 * which this adapter supports and the plain Redis pub/sub adapter does not).
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: RealtimeConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const ioOptions: Partial<ServerOptions> = {
      ...options,
      cors: { origin: corsOrigins(this.config) },
      connectionStateRecovery: { maxDisconnectionDuration: this.config.RECOVERY_WINDOW_MS, skipMiddlewares: false },
    };
    // socket.io types every option as required; the server fills in what is left out.
    const server: Server = super.createIOServer(port, ioOptions as ServerOptions);
    // The adapter publishes with this client (the broadcasts of one moment in one write) and
    // duplicates it for its blocking reader, which issues nothing else; the stream keeps the last
    // 100k packets, the reach of recovery under load.
    const streams = createAdapter(this.app.get(RedisConnection).dedicated({ autoPipelining: true }), { maxLen: 100_000 });
    const gate = this.app.get(RecoveryGate);
    // Each restored session's rooms and missed packets wait for the handshake to prove its user
    // (RecoveryGate). Socket.IO calls `new` on this: a function (not an arrow) whose returned
    // adapter is the instance.
    function gatedAdapter(nsp: unknown) {
      const adapter = streams(nsp);
      const restore = adapter.restoreSession.bind(adapter);
      adapter.restoreSession = async (pid, offset) => gate.hold(await restore(pid, offset));
      return adapter;
    }
    server.adapter(gatedAdapter as unknown as Parameters<Server['adapter']>[0]);
    return server;
  }
}
