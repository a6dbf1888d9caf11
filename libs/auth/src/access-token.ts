import jwt from 'jsonwebtoken';
import { AppError, ErrorCodes, type Actor } from '@parley/contracts';
import type { AuthenticatedAppConfig } from './auth.config.js';

/** The claims Parley reads from an access token. */
export interface AccessTokenClaims {
  sub: string;
  account_id: string;
  scopes: string[];
}

/** The key and algorithm tokens are checked with: RS256 with a public key, else HS256 with the secret. */
export function verificationKey(config: AuthenticatedAppConfig): { key: string; algorithm: 'HS256' | 'RS256' } {
  if (config.JWT_PUBLIC_KEY) return { key: config.JWT_PUBLIC_KEY.replace(/\\n/g, '\n'), algorithm: 'RS256' };
  return { key: config.JWT_SECRET ?? '', algorithm: 'HS256' };
}

/** Checks the claims of a verified token and turns them into the actor every command carries. */
export function actorFromClaims(claims: unknown): Actor {
  const candidate = claims as Partial<AccessTokenClaims> | null;
  const scopes = candidate?.scopes;
  const validScopes = Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string');
  if (
    !candidate ||
    typeof candidate.sub !== 'string' ||
    candidate.sub.length === 0 ||
    typeof candidate.account_id !== 'string' ||
    candidate.account_id.length === 0 ||
    !validScopes
  ) {
    throw new AppError(ErrorCodes.Unauthenticated, 401, 'The access token lacks sub, account_id or scopes');
  }
  return { userId: candidate.sub, accountId: candidate.account_id, scopes: scopes as string[] };
}

/** A verified access token: who it speaks for, and until when (ms since the epoch; null if it never expires). */
export interface VerifiedAccessToken {
  actor: Actor;
  expiresAt: number | null;
}

/** Verifies a raw access token (the Socket.IO handshake uses this; HTTP goes through passport-jwt). */
export function verifyAccessToken(token: string, config: AuthenticatedAppConfig): VerifiedAccessToken {
  const { key, algorithm } = verificationKey(config);
  let claims: unknown;
  try {
    claims = jwt.verify(token, key, {
      algorithms: [algorithm],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
  } catch (error) {
    throw new AppError(ErrorCodes.Unauthenticated, 401, `Invalid access token: ${(error as Error).message}`);
  }
  const exp = (claims as { exp?: unknown }).exp;
  return { actor: actorFromClaims(claims), expiresAt: typeof exp === 'number' ? exp * 1000 : null };
}
