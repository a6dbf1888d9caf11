import { kafkaServerOptions } from '@parley/kafka';
import { loadConfig, runMain, startApp } from '@parley/platform';
import { RealtimeAppModule } from './realtime-app.module.js';
import { RealtimeConfig } from './realtime.config.js';
import { RedisStreamsIoAdapter } from './socket/redis-streams-io.adapter.js';

runMain('realtime', async () => {
  const config = loadConfig(RealtimeConfig);
  await startApp({
    name: 'realtime',
    module: RealtimeAppModule.register(config),
    port: config.REALTIME_PORT,
    host: config.HOST,
    microservice: kafkaServerOptions(config, 'realtime'),
    // Socket.IO attaches to the HTTP server that serves /health: one port for both.
    configureHttp: (app) => {
      app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, config));
    },
  });
});
