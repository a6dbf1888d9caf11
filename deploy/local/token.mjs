// `npm run token -- --sub <user> --account <account> [--scopes a,b] [--expires 12h]`: prints an
// HS256 access token signed with JWT_SECRET or the local development secret of `npm start`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { defaultCacheDir } from './infrastructure.mjs';

/** The scopes Parley reads (Scopes in @parley/contracts). */
const KNOWN_SCOPES = ['conversation', 'conversation.support', 'conversation.admin', 'conversation.m2m'];
/** Ids as an identity provider hands them out, as POST /dev/tokens takes them. */
const CLAIM_TEXT = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/;

const USAGE = `usage: npm run token -- --sub <user> --account <account> [--scopes conversation,conversation.admin] [--expires 12h]
  --scopes   comma-separated, among ${KNOWN_SCOPES.join(', ')} (default: conversation)
  --expires  how long the token lasts: 60 (seconds), 30m, 12h, 7d (default: 12h)`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      sub: { type: 'string' },
      account: { type: 'string' },
      scopes: { type: 'string', default: 'conversation' },
      expires: { type: 'string', default: '12h' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.sub || !values.account) {
  console.error(USAGE);
  process.exit(2);
}
// The rules POST /dev/tokens (the console's sign-in) applies: a token the API would only answer 403 is no use.
for (const [name, value] of [['sub', values.sub], ['account', values.account]]) {
  if (!CLAIM_TEXT.test(value)) {
    console.error(`--${name} must be 1-100 letters, digits and . _ @ : - (starting with a letter or digit), not ${JSON.stringify(value)}`);
    process.exit(2);
  }
}
const secretFile = join(defaultCacheDir(), 'dev-jwt-secret');
const secret = process.env.JWT_SECRET ?? (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined);
if (!secret) {
  console.error(`no JWT_SECRET and no local secret at ${secretFile}: run npm start once, or set JWT_SECRET`);
  process.exit(2);
}
const scopes = values.scopes.split(',').map((scope) => scope.trim()).filter(Boolean);
const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
if (unknown.length > 0) {
  console.error(`unknown scope ${unknown.join(', ')}: scopes are among ${KNOWN_SCOPES.join(', ')}`);
  process.exit(2);
}
console.log(jwt.sign({ sub: values.sub, account_id: values.account, scopes }, secret, { algorithm: 'HS256', expiresIn: values.expires }));
