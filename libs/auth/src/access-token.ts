import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError, ErrorCodes, type Actor } from '@parley/contracts';
import type { AuthenticatedAppConfig } from './auth.config.js';

/** The claims Parley reads from an access token. */
export interface AccessTokenClaims {
  sub: string;
  account_id: string;
  scopes: string[];
}

/** How tokens are checked: the key and the one algorithm it is good for. */
export interface VerificationKey {
  key: KeyObject;
  algorithm: 'HS256' | 'RS256';
}

/** The PEM of JWT_PUBLIC_KEY (newlines may come escaped as `\\n` from an env file) as a key. */
function publicKeyOf(pem: string): KeyObject {
  try {
    return createPublicKey(pem.replace(/\\n/g, '\n'));
  } catch (error) {
    throw new Error(`JWT_PUBLIC_KEY is not a PEM public key: ${(error as Error).message}`);
  }
}

const keysByConfig = new WeakMap<AuthenticatedAppConfig, VerificationKey>();

/**
 * The key tokens are checked with: RS256 with a public key, else HS256 with the secret. Made once
 * per config as a KeyObject: given a string, jsonwebtoken parses it on every verify (and for a
 * secret first fails to read it as a PEM public key), which cost the gateway a fifth of its CPU.
 */
export function verificationKey(config: AuthenticatedAppConfig): VerificationKey {
  let made = keysByConfig.get(config);
  if (!made) {
    made = config.JWT_PUBLIC_KEY
      ? { key: publicKeyOf(config.JWT_PUBLIC_KEY), algorithm: 'RS256' }
      : { key: createSecretKey(Buffer.from(config.JWT_SECRET ?? '')), algorithm: 'HS256' };
    keysByConfig.set(config, made);
  }
  return made;
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
