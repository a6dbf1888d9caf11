import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Actor } from '@parley/contracts';
import { AuthenticatedAppConfig } from './auth.config.js';
import { actorFromClaims, verificationKey } from './access-token.js';

function fromCookie(request: Request): string | null {
  const cookies = (request as Request & { cookies?: Record<string, string> }).cookies;
  return cookies?.access_token ?? null;
}

/** Authenticates HTTP requests by a JWT from the Bearer header, the access_token cookie or query parameter. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AuthenticatedAppConfig) {
    const { key, algorithm } = verificationKey(config);
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([
        ExtractJwt.fromAuthHeaderAsBearerToken(),
        fromCookie,
        ExtractJwt.fromUrlQueryParameter('access_token'),
      ]),
      // jsonwebtoken takes a KeyObject as it is; passport-jwt's types only name string and Buffer.
      secretOrKey: key as unknown as Buffer,
      algorithms: [algorithm],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(claims: unknown): Actor {
    return actorFromClaims(claims);
  }
}
