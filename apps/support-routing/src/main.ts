import { kafkaServerOptions } from '@parley/kafka';
import { loadConfig, runMain, startApp } from '@parley/platform';
import { SupportRoutingAppModule } from './support-routing-app.module.js';
import { SupportRoutingConfig } from './support-routing.config.js';

runMain('support-routing', async () => {
  const config = loadConfig(SupportRoutingConfig);
  await startApp({
    name: 'support-routing',
    module: SupportRoutingAppModule.register(config),
    port: config.SUPPORT_ROUTING_PORT,
    host: config.HOST,
    microservice: kafkaServerOptions(config, 'support-routing'),
  });
});
