// The live side of the console: one Socket.IO connection to realtime per tab (every tab of a user
// gets every event), the client events it sends, and what happens around reconnects.
import { io } from '/console/vendor/socket.io.esm.min.js';

/** The server events the console shows (design.md, section 5). */
const PUSHES = [
  'new_message',
  'message_updated',
  'message_deleted',
  'room_created',
  'room_updated',
  'read_receipt',
  'typing_indicator',
  'status_changed',
  'reminder_due',
  'support_assigned',
];

/**
 * The wait before connecting again after realtime refused a handshake it may accept later; it
 * doubles with each refusal up to RETRY_MAX_MS (with jitter, so the tabs of a busy system spread out).
 */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** Where realtime is: as the gateway says, else this page's host on realtime's default port. */
export function realtimeUrl(settings) {
  return settings.realtime_url ?? `${location.protocol}//${location.hostname}:3006`;
}

/**
 * Connects and keeps connecting. `onPush(event, payload)` gets every push; `onState(state, detail)`
 * says `live`, `down` or `refused`; `onCatchUp()` runs after a reconnect whose missed packets the
 * server could not replay (a longer gap, or realtime restarted), when the page must fetch what it
 * missed through the API.
 */
export function connectLive({ url, token, onPush, onState, onCatchUp }) {
  const socket = io(url, { auth: { token }, transports: ['websocket', 'polling'] });
  let connectedBefore = false;
  let retryMs = RETRY_FIRST_MS;
  let retryTimer = null;
  socket.on('connect', () => {
    retryMs = RETRY_FIRST_MS;
    onState('live');
    if (connectedBefore && !socket.recovered) onCatchUp();
    connectedBefore = true;
  });
  socket.on('disconnect', (reason) => {
    // The server closes a socket whose token expired: reconnecting with it would only be refused.
    if (reason === 'io server disconnect') onState('refused', 'Realtime closed the connection: the token may have expired. Sign in again.');
    else onState('down', reason);
  });
  socket.on('connect_error', (error) => {
    const code = error?.data?.code;
    if (code === 'UNAUTHENTICATED') {
      socket.disconnect();
      onState('refused', `Realtime refused the token: ${error.message}`);
      return;
    }
    onState('down', error.message);
    // Socket.IO reconnects by itself after a lost connection, but not after a handshake realtime
    // refused (the socket is no longer active then). Realtime refuses with UNAVAILABLE when it
    // cannot look the user up for a moment (its database restarting), and that is to be retried.
    if (!socket.active && retryTimer === null) {
      const wait = retryMs * (0.5 + Math.random() / 2);
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        socket.connect();
      }, wait);
    }
  });
  for (const event of PUSHES) socket.on(event, (payload) => onPush(event, payload));

  let lastTyping = 0;
  return {
    /** Tells the room's other members this user is typing; realtime throttles too, this spares the socket. */
    typing(roomId) {
      const now = Date.now();
      if (now - lastTyping < 1500 || !socket.connected) return;
      lastTyping = now;
      socket.emit('typing', { room_id: roomId });
    },
    setPresence(status) {
      return new Promise((resolve) => socket.emit('presence', { status }, (ack) => resolve(ack)));
    },
    close() {
      clearTimeout(retryTimer);
      retryTimer = null;
      socket.disconnect();
    },
  };
}
