import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { Scopes } from '@parley/contracts';
import { GatewayConfig } from '../gateway.config.js';
import type { DevTokenView, MintDevTokenDto } from './mint-dev-token.dto.js';

/** As long as `npm run token` makes them by default: a working day of trying things. */
const DEV_TOKEN_LIFETIME_SECONDS = 12 * 3600;

/**
 * Signs development tokens with the gateway's own HS256 secret, exactly as the identity provider
 * would sign real ones (issuer and audience included when they are checked), so everything that
 * verifies tokens, realtime's handshake included, takes them as it takes any other.
 */
@Injectable()
export class DevTokens {
  constructor(private readonly config: GatewayConfig) {}

  mint(claims: MintDevTokenDto): DevTokenView {
    const secret = this.config.JWT_SECRET;
    // The config refuses DEV_TOKENS without a secret; this guards a config built some other way.
    if (!secret) throw new Error('DEV_TOKENS needs JWT_SECRET');
    const scopes = claims.scopes?.length ? claims.scopes : [Scopes.Conversation];
    const token = jwt.sign({ sub: claims.sub, account_id: claims.account_id, scopes }, secret, {
      algorithm: 'HS256',
      expiresIn: DEV_TOKEN_LIFETIME_SECONDS,
      ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
      ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
    });
    const { exp } = jwt.decode(token) as { exp: number };
    return { token, expires_at: new Date(exp * 1000).toISOString() };
  }
}
