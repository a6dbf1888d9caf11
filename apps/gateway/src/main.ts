import { loadConfig, runMain, startApp } from '@parley/platform';
import { GatewayAppModule } from './gateway-app.module.js';
import { GatewayConfig } from './gateway.config.js';
import { configureGatewayHttp } from './http/http-setup.js';
import { RouteMethods } from './http/route-methods.js';

runMain('gateway', async () => {
  const config = loadConfig(GatewayConfig);
  const routes = new RouteMethods();
  await startApp({
    name: 'gateway',
    module: GatewayAppModule.register(config, routes),
    port: config.GATEWAY_PORT,
    host: config.HOST,
    allowedMethods: (path) => routes.of(path),
    configureHttp: (app) => configureGatewayHttp(app, config),
  });
});
