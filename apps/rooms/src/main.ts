import { kafkaServerOptions } from '@parley/kafka';
import { loadConfig, runMain, startApp } from '@parley/platform';
import { RoomsAppModule } from './rooms-app.module.js';
import { RoomsConfig } from './rooms.config.js';

runMain('rooms', async () => {
  const config = loadConfig(RoomsConfig);
  await startApp({
    name: 'rooms',
    module: RoomsAppModule.register(config),
    port: config.ROOMS_PORT,
    host: config.HOST,
    microservice: kafkaServerOptions(config, 'rooms'),
  });
});
