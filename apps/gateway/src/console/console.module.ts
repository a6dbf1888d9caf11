import { Module, type DynamicModule } from '@nestjs/common';
import type { GatewayConfig } from '../gateway.config.js';
import { ConsoleAssets } from './console-assets.js';
import { ConsoleController } from './console.controller.js';
import { DevTokensController } from './dev-tokens.controller.js';
import { DevTokens } from './dev-tokens.service.js';

/** The console at `/`, and with DEV_TOKENS on the route that mints its development tokens. */
@Module({})
export class ConsoleModule {
  static register(config: GatewayConfig): DynamicModule {
    // Off, the route does not exist at all (404), rather than existing and refusing.
    const devTokens = config.DEV_TOKENS;
    return {
      module: ConsoleModule,
      controllers: [ConsoleController, ...(devTokens ? [DevTokensController] : [])],
      providers: [ConsoleAssets, ...(devTokens ? [DevTokens] : [])],
    };
  }
}
