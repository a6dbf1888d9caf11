import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisConnection } from '@parley/platform';
import type { RealtimeConfig } from '../realtime.config.js';

/**
 * Socket.IO over Redis streams: an event emitted on one realtime instance reaches sockets on all of
 * them, and a client that drops for a moment gets the packets it missed (connection state recovery).
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: RealtimeConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.CORS_ORIGINS === '*' ? true : this.config.CORS_ORIGINS.split(',').map((origin) => origin.trim());
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: { origin: origins, credentials: true },
      connectionStateRecovery: { maxDisconnectionDuration: this.config.RECOVERY_WINDOW_MS, skipMiddlewares: false },
    } as ServerOptions);
    server.adapter(createAdapter(this.app.get(RedisConnection).dedicated(), { maxLen: 100_000 }));
    return server;
  }
}
