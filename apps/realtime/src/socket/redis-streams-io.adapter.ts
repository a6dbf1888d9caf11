import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisConnection } from '@parley/platform';
import { corsOrigins, type RealtimeConfig } from '../realtime.config.js';

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
    server.adapter(createAdapter(this.app.get(RedisConnection).dedicated({ autoPipelining: true }), { maxLen: 100_000 }));
    return server;
  }
}
