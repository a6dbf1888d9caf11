// Local stand-ins for Twilio's Messages API and SendGrid's v3 mail send, for tests and benchmarks
// (neither provider can be reached from here). They answer as the real APIs do (paths, auth, status
// codes, JSON bodies, error codes) as far as Parley uses them, record every request, and fail on
// command. Control endpoints (not part of either API) live under /_stand-in/:
//   GET    /_stand-in/requests        every request so far ({ method, path, query, headers, body, at })
//   DELETE /_stand-in/requests        forget them
//   POST   /_stand-in/fail            { status: 429|500|400|..., times } or { mode: 'timeout', times }:
//                                     the next `times` sends fail that way (recorded all the same);
//                                     { mode: 'lost-answer', times }: the next sends are taken (the
//                                     message exists) but the connection drops before the answer
//   POST   /_stand-in/media           (Twilio) the body becomes an MMS media file; answers { url } of it
//                                     at Twilio's media path, served with the account's Basic auth
// With `callbacks` on (npm start), they also report back as the providers do: Twilio posts `sent`,
// then `delivered`, signed, to a message's StatusCallback; SendGrid posts `processed`, then
// `delivered`, signed, to its event webhook. The tests leave them off and post those reports themselves.
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';

/** Reads a request's body: form-encoded and JSON bodies parsed, anything else as text. */
async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (request.url.startsWith('/_stand-in/media')) return bytes;
  const text = bytes.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (type.includes('application/json') && text) return JSON.parse(text);
  return text;
}

function reply(response, status, body, headers = {}) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  response.end(payload);
}

/** A server with the control endpoints; `handle(request, response, body, url, failure)` serves the API. */
async function standIn(name, handle, port = 0, media = null) {
  const requests = [];
  const failures = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://stand-in');
    try {
      const body = await readBody(request);
      if (url.pathname === '/_stand-in/requests') {
        if (request.method === 'DELETE') requests.length = 0;
        return reply(response, 200, requests);
      }
      if (url.pathname === '/_stand-in/media' && request.method === 'POST' && media) {
        return reply(response, 201, { url: `http://${request.headers.host}${media.add(body, request.headers['content-type'] ?? 'application/octet-stream')}` });
      }
      if (url.pathname === '/_stand-in/fail' && request.method === 'POST') {
        for (let index = 0; index < (body.times ?? 1); index++) failures.push(body.mode ? { mode: body.mode } : { status: body.status });
        return reply(response, 200, { queued: failures.length });
      }
      requests.push({ method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: request.headers, body, at: new Date().toISOString() });
      await handle(request, response, body, url, () => failures.shift());
    } catch (error) {
      reply(response, 500, { message: `${name} stand-in: ${error.message}` });
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/** Answers a failure queued through /_stand-in/fail: a status with the provider's error body, or silence. */
function failWith(response, failure, errorBody) {
  if (failure.mode === 'timeout') return; // never answered: the client's timeout decides
  reply(response, failure.status, errorBody(failure.status));
}

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Runs a provider's reports a moment after its answer, as the real ones do (Twilio's first callback
 * comes a second or so after the send); a refused report is logged, not thrown.
 */
function afterAWhile(send, name) {
  setTimeout(() => {
    send().catch((error) => process.stderr.write(`[${name} stand-in] a status report was not taken: ${error.message}\n`));
  }, 500).unref();
}

/**
 * Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (form-encoded,
 * HTTP Basic auth with the account SID and auth token) and the list with `To`, `From` and
 * `DateSent>` filters.
 */
export async function startTwilioStandIn({ accountSid, authToken, port, callbacks = false } = {}) {
  const messages = [];
  // Twilio's own signing (the SDK's), loaded only when this stand-in signs callbacks.
  const signature = callbacks ? (await import('twilio')).default.getExpectedTwilioSignature : null;
  /** Moves a message on to `status` and tells its StatusCallback, signed as Twilio signs it. */
  const report = async (callbackUrl, message, status) => {
    message.status = status;
    message.date_updated = new Date().toUTCString();
    if (status === 'sent') message.date_sent = message.date_updated;
    const form = { AccountSid: accountSid, ApiVersion: '2010-04-01', MessageSid: message.sid, SmsSid: message.sid, MessageStatus: status, SmsStatus: status, To: message.to, From: message.from };
    const answer = await fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(authToken, callbackUrl, form) },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(10_000),
    });
    if (!answer.ok) throw new Error(`${callbackUrl} answered ${answer.status}: ${await answer.text()}`);
  };
  const files = new Map();
  const media = {
    add(bytes, contentType) {
      const path = `/2010-04-01/Accounts/${accountSid}/Messages/MM${randomBytes(16).toString('hex')}/Media/ME${randomBytes(16).toString('hex')}`;
      files.set(path, { bytes, contentType });
      return path;
    },
  };
  const twilioError = (status, code, message) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
  const stand = await standIn('twilio', async (request, response, body, url, nextFailure) => {
    const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    const file = files.get(url.pathname);
    if (file && request.method === 'GET') {
      if (request.headers.authorization !== expectedAuth) return reply(response, 401, twilioError(401, 20003, 'Authenticate'));
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
      return response.end(file.bytes);
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (!match) return reply(response, 404, twilioError(404, 20404, 'The requested resource was not found'));
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (match[1] !== accountSid || request.headers.authorization !== expected) return reply(response, 401, twilioError(401, 20003, 'Authenticate'));
    if (request.method === 'GET') {
      const after = url.searchParams.get('DateSent>');
      const found = messages.filter(
        (message) =>
          (!url.searchParams.get('To') || message.to === url.searchParams.get('To')) &&
          (!url.searchParams.get('From') || message.from === url.searchParams.get('From')) &&
          (!after || new Date(message.date_created) >= new Date(after)),
      );
      return reply(response, 200, { messages: found, first_page_uri: url.pathname, next_page_uri: null, previous_page_uri: null, page: 0, page_size: found.length, uri: url.pathname });
    }
    if (request.method !== 'POST') return reply(response, 405, twilioError(405, 20004, 'Method not allowed'));
    const failure = nextFailure();
    if (failure && failure.mode !== 'lost-answer') return failWith(response, failure, (status) => twilioError(status, status === 429 ? 20429 : status >= 500 ? 20500 : 21211, `stand-in failure ${status}`));
    if (!E164.test(body.To ?? '')) return reply(response, 400, twilioError(400, 21211, `The 'To' number ${body.To} is not a valid phone number.`));
    if (!body.From) return reply(response, 400, twilioError(400, 21603, "The 'From' phone number is required."));
    if (!body.Body && !body.MediaUrl) return reply(response, 400, twilioError(400, 21602, 'Message body is required.'));
    const now = new Date();
    const message = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      account_sid: accountSid,
      to: body.To,
      from: body.From,
      body: body.Body ?? '',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      num_media: body.MediaUrl ? '1' : '0',
      date_created: now.toUTCString(),
      date_updated: now.toUTCString(),
      date_sent: null,
      price: null,
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/`,
    };
    message.uri += `${message.sid}.json`;
    messages.push(message);
    if (failure?.mode === 'lost-answer') return response.destroy();
    reply(response, 201, message);
    if (signature && body.StatusCallback) {
      afterAWhile(async () => {
        await report(body.StatusCallback, message, 'sent');
        await report(body.StatusCallback, message, 'delivered');
      }, 'twilio');
    }
  }, port, media);
  return { ...stand, accountSid, authToken, messages };
}

/**
 * SendGrid's v3 mail send (`POST /v3/mail/send`, Bearer API key; 202 with `X-Message-Id`) and the
 * email activity search (`GET /v3/messages?query=unique_args['k']="v"`).
 */
export async function startSendgridStandIn({ apiKey, port, callbacks = null } = {}) {
  const sent = [];
  const eventKey = callbacks ? createPrivateKey(callbacks.privateKeyPem) : null;
  /** Posts one event of a sent mail to the event webhook, signed as SendGrid signs it (ECDSA, P-256). */
  const report = async (mail, event) => {
    const payload = JSON.stringify([{ email: mail.to, timestamp: Math.floor(Date.now() / 1000), event, sg_message_id: `${mail.id}.filterdrecv-stand-in`, ...mail.custom_args }]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const answer = await fetch(callbacks.eventWebhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + payload), eventKey).toString('base64'),
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    });
    if (!answer.ok) throw new Error(`${callbacks.eventWebhookUrl} answered ${answer.status}: ${await answer.text()}`);
  };
  const sendgridError = (message, field = null) => ({ errors: [{ message, field, help: null }] });
  const stand = await standIn('sendgrid', async (request, response, body, url, nextFailure) => {
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return reply(response, 401, sendgridError('The provided authorization grant is invalid, expired, or revoked'));
    }
    if (url.pathname === '/v3/messages' && request.method === 'GET') {
      const query = /unique_args\['([^']+)'\]="([^"]*)"/.exec(url.searchParams.get('query') ?? '');
      const found = query ? sent.filter((mail) => mail.custom_args?.[query[1]] === query[2]) : [];
      return reply(response, 200, { messages: found.map((mail) => ({ msg_id: `${mail.id}.filterdrecv-stand-in`, to_email: mail.to, subject: mail.subject, status: 'delivered' })) });
    }
    if (url.pathname !== '/v3/mail/send') return reply(response, 404, sendgridError('Not found'));
    if (request.method !== 'POST') return reply(response, 405, sendgridError('Method not allowed'));
    const failure = nextFailure();
    if (failure && failure.mode !== 'lost-answer') return failWith(response, failure, (status) => sendgridError(`stand-in failure ${status}`));
    const to = body?.personalizations?.[0]?.to?.[0]?.email;
    if (!to) return reply(response, 400, sendgridError('The to field is required.', 'personalizations.0.to'));
    if (!body.from?.email) return reply(response, 400, sendgridError('The from email does not contain a valid address.', 'from.email'));
    if (!body.subject && !body.personalizations[0].subject) return reply(response, 400, sendgridError('The subject is required.', 'subject'));
    if (!Array.isArray(body.content) || body.content.length === 0) return reply(response, 400, sendgridError('Unless a valid template_id is provided, the content parameter is required.', 'content'));
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    const mail = { id, to, from: body.from.email, subject: body.subject, content: body.content, attachments: body.attachments ?? [], custom_args: body.custom_args ?? {} };
    sent.push(mail);
    if (failure?.mode === 'lost-answer') return response.destroy();
    reply(response, 202, undefined, { 'x-message-id': id });
    if (eventKey) {
      afterAWhile(async () => {
        await report(mail, 'processed');
        await report(mail, 'delivered');
      }, 'sendgrid');
    }
  }, port);
  return { ...stand, apiKey, sent };
}
