import { kafkaServerOptions } from '@parley/kafka';
import { loadConfig, runMain, startApp } from '@parley/platform';
import { OutboundDeliveryAppModule } from './outbound-delivery-app.module.js';
import { OutboundDeliveryConfig } from './outbound-delivery.config.js';

runMain('outbound-delivery', async () => {
  const config = loadConfig(OutboundDeliveryConfig);
  await startApp({
    name: 'outbound-delivery',
    module: OutboundDeliveryAppModule.register(config),
    port: config.OUTBOUND_DELIVERY_PORT,
    host: config.HOST,
    microservice: kafkaServerOptions(config, 'outbound-delivery'),
  });
});
