// `npm run inbound -- sms --from <phone> --to <phone> [--body <text>] [--account <id>]`
// `npm run inbound -- email --from <address> --to <address> [--subject <s>] [--text <t>] [--account <id>]`
// A customer writing in, for the system `npm start` runs: posts the webhook Twilio (signed with the
// auth token, over PUBLIC_URL) or SendGrid's Inbound Parse (with INBOUND_EMAIL_SECRET) would post,
// to the gateway, and prints its answer. The message lands in the contact's support room of the
// inbox whose channels hold `--to`, or, with `--account`, that account's default inbound conversation.
// PARLEY_STATE=<system.json> names another system (the e2e tests' own).
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { readState } from './apps.mjs';
import { ROOT } from './project.mjs';

const USAGE = `usage: npm run inbound -- sms --from <phone> --to <phone> [--body <text>] [--account <id>]
       npm run inbound -- email --from <address> --to <address> [--subject <subject>] [--text <text>] [--account <id>]`;

/** The settings of the newest system `npm start` started (its state file under .run/), or PARLEY_STATE's. */
function runningSystem() {
  const runs = existsSync(join(ROOT, '.run')) ? readdirSync(join(ROOT, '.run')).filter((name) => name.startsWith('start-')).sort() : [];
  const file = process.env.PARLEY_STATE ?? runs.map((name) => join(ROOT, '.run', name, 'system.json')).filter((path) => existsSync(path)).at(-1);
  if (!file) throw new Error('no system started by npm start was found under .run/: run npm start first');
  const state = readState(file);
  const setting = (name) => state.env[name] ?? process.env[name];
  return { gateway: setting('PUBLIC_URL') ?? `http://localhost:${state.ports.gateway}`, setting };
}

async function smsIn(system, { from, to, body = '', account }) {
  const authToken = system.setting('TWILIO_AUTH_TOKEN');
  if (!authToken) throw new Error('SMS is off in the running system (no TWILIO_AUTH_TOKEN)');
  const path = `/webhooks/twilio/sms${account ? `?account=${encodeURIComponent(account)}` : ''}`;
  const url = `${system.gateway}${path}`;
  const form = { MessageSid: `SM${randomBytes(16).toString('hex')}`, AccountSid: system.setting('TWILIO_ACCOUNT_SID') ?? '', From: from, To: to, Body: body, NumMedia: '0' };
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, form) },
    body: new URLSearchParams(form),
  });
}

async function emailIn(system, { from, to, subject = '', text = '', account }) {
  const secret = system.setting('INBOUND_EMAIL_SECRET');
  if (!secret) throw new Error('inbound email is off in the running system (no INBOUND_EMAIL_SECRET)');
  const form = new FormData();
  form.append('from', from);
  form.append('to', to);
  form.append('subject', subject);
  form.append('text', text);
  form.append('headers', `Message-ID: <${randomUUID()}@parley.local>\nFrom: ${from}\nTo: ${to}\nSubject: ${subject}`);
  form.append('envelope', JSON.stringify({ from, to: [to] }));
  const query = new URLSearchParams({ secret, ...(account ? { account } : {}) });
  return fetch(`${system.gateway}/webhooks/sendgrid/inbound?${query}`, { method: 'POST', body: form });
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      body: { type: 'string' },
      subject: { type: 'string' },
      text: { type: 'string' },
      account: { type: 'string' },
    },
  });
  const [channel] = positionals;
  if (!['sms', 'email'].includes(channel) || !values.from || !values.to) {
    console.error(USAGE);
    process.exit(2);
  }
  const system = runningSystem();
  const answer = await (channel === 'sms' ? smsIn(system, values) : emailIn(system, values)).catch((error) => {
    // fetch's own failure (nothing listening, a bad host) says only "fetch failed": say what to check.
    if (!(error instanceof TypeError)) throw error;
    throw new Error(`could not reach the gateway at ${system.gateway} (${error.cause?.code ?? error.message}): is npm start running?`);
  });
  const text = await answer.text();
  console.log(`${answer.status} ${text}`);
  if (!answer.ok) process.exit(1);
}

main().catch((error) => {
  console.error(`✖ ${error.message}`);
  process.exit(1);
});
