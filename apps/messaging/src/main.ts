import { kafkaServerOptions } from '@parley/kafka';
import { loadConfig, runMain, startApp } from '@parley/platform';
import { MessagingAppModule } from './messaging-app.module.js';
import { MessagingConfig } from './messaging.config.js';

runMain('messaging', async () => {
  const config = loadConfig(MessagingConfig);
  await startApp({
    name: 'messaging',
    module: MessagingAppModule.register(config),
    port: config.MESSAGING_PORT,
    host: config.HOST,
    microservice: kafkaServerOptions(config, 'messaging'),
  });
});
