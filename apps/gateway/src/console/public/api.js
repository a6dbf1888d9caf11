// The gateway's HTTP API as the console uses it: JSON in and out, the token as a Bearer header,
// errors in the API's one shape ({ statusCode, error, message, details? }) turned into ApiError.

/** A refusal or failure of the API, with the API's own words. */
export class ApiError extends Error {
  constructor(status, body) {
    const message = typeof body?.message === 'string' ? body.message : `The gateway answered ${status}`;
    super(message);
    this.status = status;
    this.code = body?.error ?? null;
  }
}

async function call(method, path, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: 'The gateway cannot be reached: is Parley running?' });
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** What this deployment tells the page before anyone signs in. */
export function loadSettings() {
  return call('GET', '/console/config.json');
}

/** A development token for these claims (only where the gateway has DEV_TOKENS on). */
export function mintDevToken(claims) {
  return call('POST', '/dev/tokens', { body: claims });
}

/** The API as one signed-in user. */
export class ParleyApi {
  constructor(token) {
    this.token = token;
  }

  request(method, path, body) {
    return call(method, path, { token: this.token, body });
  }

  currentUser() {
    return this.request('GET', '/currentuser');
  }

  myConversation() {
    return this.request('GET', '/v1/conversations/me');
  }

  team() {
    return this.request('GET', '/v1/conversations?limit=100');
  }

  rooms({ type, unread, favorite, before } = {}) {
    const query = new URLSearchParams({ limit: '50' });
    if (type) query.set('type', type);
    if (unread) query.set('unread', 'true');
    if (favorite) query.set('favorite', 'true');
    if (before) query.set('before', before);
    return this.request('GET', `/v1/rooms?${query}`);
  }

  room(roomId) {
    return this.request('GET', `/v1/rooms/${encodeURIComponent(roomId)}`);
  }

  createRoom(body) {
    return this.request('POST', '/v1/rooms', body);
  }

  addMembers(roomId, members) {
    return this.request('POST', `/v1/rooms/${encodeURIComponent(roomId)}/members`, { members });
  }

  /**
   * A page of the room's messages, newest first: the latest, older than `before`, right after
   * `after`, or those changed after change number `changedAfter`.
   */
  messages(roomId, { before, after, changedAfter, limit = 30 } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before) query.set('before', before);
    if (after) query.set('after', after);
    if (changedAfter !== undefined) query.set('changed_after', String(changedAfter));
    return this.request('GET', `/v1/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
  }

  /** Sends a message; `mentions` (conversation ids), or `everyone`, counts it in those members' mention badges. */
  send(roomId, content, clientMessageId, { mentions = [], everyone = false } = {}) {
    return this.request('POST', `/v1/rooms/${encodeURIComponent(roomId)}/messages`, {
      content,
      clientMessageId,
      ...(mentions.length > 0 ? { mentions } : {}),
      ...(everyone ? { mention_everyone: true } : {}),
    });
  }

  /** Gives (`reacted`) or takes back the caller's reaction to a message; answers the message with its reactions. */
  react(messageId, emoji, reacted) {
    return this.request(reacted ? 'PUT' : 'DELETE', `/v1/messages/${encodeURIComponent(messageId)}/reactions/${encodeURIComponent(emoji)}`);
  }

  /** Pins a message to its room, or unpins it; answers the message. */
  pin(messageId, pinned) {
    return this.request(pinned ? 'PUT' : 'DELETE', `/v1/messages/${encodeURIComponent(messageId)}/pin`);
  }

  edit(messageId, content) {
    return this.request('PATCH', `/v1/messages/${encodeURIComponent(messageId)}`, { content });
  }

  remove(messageId, scope) {
    return this.request('DELETE', `/v1/messages/${encodeURIComponent(messageId)}?for=${scope}`);
  }

  markRead(roomId, messageId) {
    return this.request('POST', `/v1/rooms/${encodeURIComponent(roomId)}/read`, { messageId });
  }

  /** Marks the room unread for the caller from a message on; answers the room with its counts. */
  markUnread(roomId, messageId) {
    return this.request('POST', `/v1/rooms/${encodeURIComponent(roomId)}/unread`, { messageId });
  }

  setFavorite(roomId, favorite) {
    return this.request(favorite ? 'PUT' : 'DELETE', `/v1/rooms/${encodeURIComponent(roomId)}/favorite`);
  }

  snooze(roomId, minutes) {
    return this.request('PUT', `/v1/rooms/${encodeURIComponent(roomId)}/snooze`, { duration_minutes: minutes });
  }

  endSnooze(roomId) {
    return this.request('DELETE', `/v1/rooms/${encodeURIComponent(roomId)}/snooze`);
  }
}
