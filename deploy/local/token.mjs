// `npm run token -- --sub <user> --account <account> [--scopes a,b] [--expires 12h]`: prints an
// HS256 access token signed with JWT_SECRET or the local development secret of `npm start`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { defaultCacheDir } from './infrastructure.mjs';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    account: { type: 'string' },
    scopes: { type: 'string', default: 'conversation' },
    expires: { type: 'string', default: '12h' },
  },
});
if (!values.sub || !values.account) {
  console.error('usage: npm run token -- --sub <user> --account <account> [--scopes conversation,conversation.admin] [--expires 12h]');
  process.exit(2);
}
const secretFile = join(defaultCacheDir(), 'dev-jwt-secret');
const secret = process.env.JWT_SECRET ?? (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined);
if (!secret) {
  console.error(`no JWT_SECRET and no local secret at ${secretFile}: run npm start once, or set JWT_SECRET`);
  process.exit(2);
}
const scopes = values.scopes.split(',').map((scope) => scope.trim()).filter(Boolean);
console.log(jwt.sign({ sub: values.sub, account_id: values.account, scopes }, secret, { algorithm: 'HS256', expiresIn: values.expires }));
