// `node bench/jwt-verify.mjs`: what one access-token check costs with the secret given to
// jsonwebtoken as a string (it then tries to parse it as a PEM public key on every call, and
// fails) against a KeyObject made once, as @parley/auth does. Paired rounds in one process.
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

const ROUNDS = 5;
const PER_ROUND = Number(process.env.BENCH_VERIFIES ?? 10_000);
const secret = 'a-local-development-secret-0123456789';
const token = jwt.sign({ sub: 'u', account_id: 'a', scopes: ['conversation'] }, secret, { expiresIn: '1h' });
const key = createSecretKey(Buffer.from(secret));

function microsecondsPerVerify(verificationKey, count) {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) jwt.verify(token, verificationKey, { algorithms: ['HS256'] });
  return Number(process.hrtime.bigint() - started) / 1e3 / count;
}

microsecondsPerVerify(secret, 1000);
microsecondsPerVerify(key, 1000);
for (let round = 1; round <= ROUNDS; round++) {
  const asString = microsecondsPerVerify(secret, PER_ROUND);
  const asKeyObject = microsecondsPerVerify(key, PER_ROUND);
  console.log(`round ${round}: string secret ${asString.toFixed(1)} µs, KeyObject ${asKeyObject.toFixed(1)} µs, ${(asString / asKeyObject).toFixed(1)}× `);
}
