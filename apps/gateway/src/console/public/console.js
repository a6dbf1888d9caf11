// The console at `/`: sign in, the room list, the open room, and every push applied as it arrives.
// The state lives here; room-list.js and room-view.js draw it, api.js and live.js reach the servers.
import { ApiError, loadSettings, mintDevToken, ParleyApi } from './api.js';
import { connectLive, realtimeUrl } from './live.js';
import { personName, renderRoomList, renderTeam } from './room-list.js';
import { limitToCharacters, renderMessages, renderRoomHead, typingText } from './room-view.js';

// Kept in localStorage so every tab of this browser is signed in as the same user (and signs out together).
const TOKEN_KEY = 'parley.console.token';
const PAGE_SIZE = 30;
const CATCH_UP_PAGE_SIZE = 100;

const byId = (id) => document.getElementById(id);
const elements = {
  skipLink: byId('skip-link'),
  notice: byId('notice'),
  signIn: byId('sign-in'),
  devTokenCard: byId('dev-token-card'),
  pasteForm: byId('paste-form'),
  devForm: byId('dev-form'),
  identity: byId('identity'),
  identityText: byId('identity-text'),
  liveState: byId('live-state'),
  myStatus: byId('my-status'),
  signOut: byId('sign-out'),
  workspace: byId('workspace'),
  roomsTitle: byId('rooms-title'),
  filters: byId('room-filters'),
  roomList: byId('room-list'),
  roomListEmpty: byId('room-list-empty'),
  moreRooms: byId('more-rooms'),
  directForm: byId('direct-form'),
  channelForm: byId('channel-form'),
  myConversationId: byId('my-conversation-id'),
  copyConversationId: byId('copy-conversation-id'),
  teamList: byId('team-list'),
  teamEmpty: byId('team-empty'),
  placeholder: byId('room-placeholder'),
  roomView: byId('room-view'),
  back: byId('back-to-rooms'),
  head: {
    title: byId('room-title'),
    members: byId('room-members'),
    favorite: byId('toggle-favorite'),
    snoozeForm: byId('snooze-form'),
    snoozed: byId('snoozed-until'),
    snoozedText: byId('snoozed-text'),
    addMember: byId('add-member'),
  },
  addMemberForm: byId('add-member-form'),
  endSnooze: byId('end-snooze'),
  history: document.querySelector('.history'),
  older: byId('older-messages'),
  messages: byId('messages'),
  typing: byId('typing'),
  composer: byId('composer'),
  composerInput: byId('composer-input'),
  deleteDialog: byId('delete-dialog'),
  deleteForEveryone: byId('delete-for-everyone'),
};

const state = {
  settings: null,
  api: null,
  live: null,
  /** The caller as the token says: { user_id, account_id, scopes }. */
  actor: null,
  /** The caller's conversation (ConversationView). */
  me: null,
  /** Conversation id → { id, user_id, name, status }: the team and everyone met in a room. */
  people: new Map(),
  rooms: new Map(),
  roomsNext: null,
  filter: { type: '', unread: false, favorite: false },
  /** The open room: its messages by key, their keys by message id, the cursor to older ones, who types. */
  open: null,
  editingKey: null,
  deletingKey: null,
};

// ---------------------------------------------------------------- notices

function showNotice(text, kind = 'error') {
  elements.notice.textContent = text;
  elements.notice.dataset.kind = kind;
  elements.notice.hidden = false;
}

function clearNotice() {
  elements.notice.hidden = true;
  elements.notice.textContent = '';
}

/** Runs a user's action; a refusal is shown in the API's own words instead of failing silently. */
async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    showNotice(error instanceof ApiError || error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

// ---------------------------------------------------------------- signing in and out

async function start() {
  try {
    state.settings = await loadSettings();
  } catch (error) {
    showNotice(`The console cannot read its settings: ${error.message}`);
    return;
  }
  elements.devTokenCard.hidden = !state.settings.dev_tokens;
  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) await signIn(saved);
  else showSignIn();
}

function showSignIn() {
  document.body.classList.remove('signed-in');
  elements.workspace.hidden = true;
  elements.identity.hidden = true;
  elements.signIn.hidden = false;
  document.body.classList.remove('room-is-open');
}

async function signIn(token, { fromForm = false } = {}) {
  const api = new ParleyApi(token);
  try {
    state.actor = await api.currentUser();
    // Also creates the conversation on first use: realtime refuses a socket without one.
    state.me = await api.myConversation();
  } catch (error) {
    const refused = error instanceof ApiError && (error.status === 401 || error.status === 403);
    // A gateway that is down or busy says nothing about the token: it is kept for the next try.
    if (refused) localStorage.removeItem(TOKEN_KEY);
    showSignIn();
    showNotice(refused ? `That token was refused: ${error.message}` : error.message);
    return;
  }
  clearNotice();
  state.api = api;
  localStorage.setItem(TOKEN_KEY, token);
  elements.signIn.hidden = true;
  document.body.classList.add('signed-in');
  elements.workspace.hidden = false;
  elements.identity.hidden = false;
  elements.identityText.textContent = `Signed in as ${state.actor.user_id} · account ${state.actor.account_id}`;
  elements.myConversationId.textContent = state.me.id;
  state.people.set(state.me.id, { id: state.me.id, user_id: state.me.user_id, name: state.me.name, status: 'online' });
  state.live = connectLive({ url: realtimeUrl(state.settings), token, onPush, onState: showLiveState, onCatchUp: catchUp });
  // The form that had the focus is gone: the keyboard continues at the room list.
  if (fromForm) elements.roomsTitle.focus();
  await attempt(() => Promise.all([loadTeam(), loadRooms()]));
  const fromLink = roomIdFromHash();
  if (fromLink) await openRoom(fromLink);
}

function signOut() {
  state.live?.close();
  localStorage.removeItem(TOKEN_KEY);
  Object.assign(state, { api: null, live: null, actor: null, me: null, roomsNext: null, open: null, editingKey: null });
  state.people.clear();
  state.rooms.clear();
  elements.roomList.replaceChildren();
  elements.teamList.replaceChildren();
  elements.messages.replaceChildren();
  history.replaceState(null, '', location.pathname);
  showRoomPlaceholder();
  showSignIn();
}

function showLiveState(liveState, detail) {
  const words = { live: 'Live', down: 'Reconnecting…', refused: 'Disconnected' };
  elements.liveState.textContent = words[liveState];
  elements.liveState.dataset.state = liveState;
  if (liveState === 'refused') showNotice(detail);
}

// ---------------------------------------------------------------- people and rooms

function rememberPerson(conversationId, userId, details = {}) {
  const known = state.people.get(conversationId);
  state.people.set(conversationId, { id: conversationId, user_id: userId ?? known?.user_id, name: known?.name, status: known?.status, ...details });
}

async function loadTeam() {
  const page = await state.api.team();
  for (const conversation of page.data) rememberPerson(conversation.id, conversation.user_id, { name: conversation.name, status: conversation.status });
  renderSidebar();
}

function upsertRoom(room) {
  state.rooms.set(room.id, room);
  for (const member of room.members) if (!state.people.has(member.conversation_id)) rememberPerson(member.conversation_id, member.user_id);
}

async function loadRooms({ more = false } = {}) {
  const page = await state.api.rooms({ ...state.filter, before: more ? state.roomsNext : undefined });
  for (const room of page.data) upsertRoom(room);
  state.roomsNext = page.next;
  renderSidebar();
}

/** A room the page has not seen (new, or just joined): fetched whole. */
async function fetchRoom(roomId) {
  try {
    const room = await state.api.room(roomId);
    upsertRoom(room);
    renderSidebar();
    if (state.open?.roomId === roomId) renderOpenRoom();
    return room;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
      forgetRoom(roomId);
      return null;
    }
    throw error;
  }
}

function forgetRoom(roomId) {
  state.rooms.delete(roomId);
  if (state.open?.roomId === roomId) {
    closeRoom();
    showNotice('That room is gone, or you are no longer in it.', 'info');
  }
  renderSidebar();
}

function matchesFilter(room) {
  const { type, unread, favorite } = state.filter;
  return (!type || room.type === type) && (!unread || room.unread_count > 0) && (!favorite || room.favorite);
}

function renderSidebar() {
  if (!state.me) return;
  const rooms = [...state.rooms.values()].filter(matchesFilter).sort((a, b) => Date.parse(b.last_activity) - Date.parse(a.last_activity));
  renderRoomList(elements.roomList, rooms, { people: state.people, me: state.me, openRoomId: state.open?.roomId }, { onOpen: (roomId) => openRoom(roomId, { moveFocus: true }), onFavorite: setFavorite });
  elements.roomListEmpty.hidden = rooms.length > 0;
  elements.moreRooms.hidden = !state.roomsNext;
  const others = renderTeam(elements.teamList, state.people, state.me, messagePerson);
  elements.teamEmpty.hidden = others > 0;
}

async function setFavorite(roomId, favorite) {
  await attempt(async () => {
    upsertRoom(await state.api.setFavorite(roomId, favorite));
    renderSidebar();
    if (state.open?.roomId === roomId) renderOpenRoom();
  });
}

async function messagePerson(conversationId) {
  await attempt(async () => {
    const room = await state.api.createRoom({ type: 'direct', member: conversationId });
    upsertRoom(room);
    renderSidebar();
    await openRoom(room.id, { moveFocus: true });
  });
}

// ---------------------------------------------------------------- the open room

function roomIdFromHash() {
  return /^#room=([0-9a-f]{24})$/i.exec(location.hash)?.[1] ?? null;
}

const isPhoneLayout = () => matchMedia('(max-width: 720px)').matches;

async function openRoom(roomId, { moveFocus = false } = {}) {
  if (state.open?.roomId === roomId) {
    if (moveFocus) focusOpenRoom();
    return;
  }
  const room = state.rooms.get(roomId) ?? (await attempt(() => fetchRoom(roomId)));
  if (!room) return;
  state.open = { roomId, messages: new Map(), keysById: new Map(), older: null, readSent: null, typing: new Map(), typingTimer: null, changes: null };
  state.editingKey = null;
  history.replaceState(null, '', `#room=${roomId}`);
  document.body.classList.add('room-is-open');
  elements.placeholder.hidden = true;
  elements.roomView.hidden = false;
  elements.messages.replaceChildren();
  elements.composerInput.value = '';
  renderOpenRoom();
  renderSidebar();
  if (moveFocus) focusOpenRoom();
  const open = state.open;
  await attempt(async () => {
    const page = await state.api.messages(roomId, { limit: PAGE_SIZE });
    if (state.open !== open) return;
    for (const message of page.data) addMessage(message);
    open.older = page.next;
    // Where this page's changes stand: a catch-up reads what changed after it.
    open.changes = { rev: Math.max(0, ...page.data.map((message) => message.rev ?? 0)), cursor: null };
    renderOpenRoom();
    scrollToNewest();
    await markRead();
  });
}

/** On a phone the list disappears: the keyboard and screen reader move to the room's heading. */
function focusOpenRoom() {
  if (isPhoneLayout()) elements.head.title.focus();
}

function closeRoom() {
  const roomId = state.open?.roomId;
  state.open = null;
  state.editingKey = null;
  history.replaceState(null, '', location.pathname);
  showRoomPlaceholder();
  renderSidebar();
  if (roomId) elements.roomList.querySelector(`[data-room-id="${roomId}"] .room-open`)?.focus();
}

function showRoomPlaceholder() {
  document.body.classList.remove('room-is-open');
  elements.roomView.hidden = true;
  elements.placeholder.hidden = false;
}

/**
 * The text of stored content: Parley stores it as clean HTML (`Tom &amp; Jerry`, `<b>…</b>`); the
 * page shows its formatting (renderContent) and edits its text. DOMParser builds an inert document:
 * nothing in it runs or loads.
 */
function textOf(html) {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';
}

/** A message as the page keeps it: the API's view, plus where it stands on this page. */
function fromView(view, key) {
  return {
    key,
    id: view.id,
    seq: view.seq,
    conversation_id: view.conversation_id,
    contact: view.contact,
    private: view.private,
    content: textOf(view.content),
    // As stored (sanitized HTML), for the page to show its formatting; `content` is what the editor edits.
    html: view.content,
    created: view.created,
    edited_at: view.edited_at ?? null,
    deleted: !!view.deleted,
    attachments: view.attachments ?? [],
    reactions: view.reactions ?? [],
    mentions: view.mentions ?? [],
    mention_everyone: !!view.mention_everyone,
    pinned: view.pinned ?? null,
    client_message_id: view.client_message_id ?? null,
    state: 'sent',
    error: null,
  };
}

/**
 * Adds or refreshes a message from the API or a push. One this tab sent is matched by its
 * clientMessageId, so the push and the POST's answer, whichever comes first, fill the same entry.
 */
function addMessage(view) {
  const open = state.open;
  const known = open.keysById.get(view.id);
  if (known) {
    const entry = open.messages.get(known);
    // A view without content (a status change) keeps the stored content, as HTML like any view's.
    // A whole view without reactions has none left.
    const reactions = view.reactions ?? ('content' in view ? [] : entry.reactions);
    // Likewise a whole view without a pin is not pinned (any more).
    const pinned = view.pinned ?? ('content' in view ? null : entry.pinned);
    Object.assign(entry, fromView({ ...entry, content: entry.html ?? entry.content, ...view, reactions, pinned }, known));
    return entry;
  }
  const localKey = view.client_message_id ? `local-${view.client_message_id}` : null;
  const key = localKey && open.messages.has(localKey) ? localKey : view.id;
  const entry = fromView(view, key);
  open.messages.set(key, entry);
  open.keysById.set(view.id, key);
  return entry;
}

function orderedMessages() {
  return [...state.open.messages.values()].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || Date.parse(a.created) - Date.parse(b.created));
}

function newestStored() {
  const stored = orderedMessages().filter((message) => message.id);
  return stored[stored.length - 1] ?? null;
}

function renderOpenRoom() {
  const open = state.open;
  if (!open) return;
  const room = state.rooms.get(open.roomId);
  if (!room) return;
  renderRoomHead(elements.head, room, { people: state.people, me: state.me });
  const newest = newestStored();
  const context = {
    me: state.me,
    people: state.people,
    room,
    editingKey: state.editingKey,
    seqOf: (messageId) => open.messages.get(open.keysById.get(messageId))?.seq ?? null,
    newestLoadedId: newest?.id ?? '',
  };
  renderMessages(elements.messages, orderedMessages(), context, messageActions);
  elements.older.hidden = !open.older;
  renderTyping();
}

function renderTyping() {
  const open = state.open;
  if (!open) return;
  const now = Date.now();
  for (const [conversationId, until] of open.typing) if (until <= now) open.typing.delete(conversationId);
  elements.typing.textContent = typingText([...open.typing.keys()].map((conversationId) => personName(state.people, conversationId)));
  clearTimeout(open.typingTimer);
  if (open.typing.size > 0) open.typingTimer = setTimeout(renderTyping, Math.min(...open.typing.values()) - now + 50);
}

const nearNewest = () => elements.history.scrollHeight - elements.history.scrollTop - elements.history.clientHeight < 120;

function scrollToNewest() {
  elements.history.scrollTop = elements.history.scrollHeight;
}

async function loadOlder() {
  const open = state.open;
  if (!open?.older) return;
  await attempt(async () => {
    const page = await state.api.messages(open.roomId, { before: open.older, limit: PAGE_SIZE });
    if (state.open !== open) return;
    const heightBefore = elements.history.scrollHeight;
    for (const message of page.data) addMessage(message);
    open.older = page.next;
    renderOpenRoom();
    // What the reader was looking at stays in place; the earlier messages appear above it.
    elements.history.scrollTop += elements.history.scrollHeight - heightBefore;
  });
}

/**
 * Marks the open room read up to its newest message when the reader can see it (a tab in the
 * background reads nothing); the others get a read receipt, this user's other tabs a zero badge.
 */
async function markRead() {
  const open = state.open;
  if (!open || open.markingUnread || document.visibilityState !== 'visible') return;
  const room = state.rooms.get(open.roomId);
  const newest = newestStored();
  if (!room || !newest || open.readSent === newest.id) return;
  const mine = room.members.find((member) => member.conversation_id === state.me.id);
  // A support room's team sees it without being a member, and has no read position in it.
  // Marked unread (the receipt the others saw stays where it was): read again all the same.
  if (!mine || (mine.last_message_read === newest.id && room.unread_count === 0)) return;
  if (room.unread_count === 0 && newest.conversation_id === state.me.id) return;
  open.readSent = newest.id;
  try {
    upsertRoom(await state.api.markRead(open.roomId, newest.id));
    renderSidebar();
    if (state.open === open) renderOpenRoom();
  } catch (error) {
    open.readSent = null;
    showNotice(`Could not mark the room read: ${error.message}`);
  }
}

function newClientMessageId() {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `console-${Date.now().toString(36)}-${[...random].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

async function send(entry, roomId) {
  entry.state = 'pending';
  entry.error = null;
  renderOpenRoom();
  try {
    const view = await state.api.send(roomId, entry.content, entry.client_message_id, { mentions: entry.mentions, everyone: entry.everyone });
    if (state.open?.roomId === roomId) addMessage(view);
  } catch (error) {
    entry.state = 'failed';
    entry.error = error.message;
  }
  renderOpenRoom();
}

/** Whether `text` (lower case) names `@name` as a whole word anywhere: `@al` does not name Alice, nor does `me@al.example`. */
function names(text, name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_.@-])@${escaped}(?![\\p{L}\\p{N}_])`, 'u').test(text);
}

/**
 * Whom a message mentions: the other members it names as `@name` (their name, else their user id;
 * any case), and everyone with `@channel`, `@everyone` or `@all` (not in a listing room).
 */
function mentionsIn(content, room) {
  const text = content.toLowerCase();
  const mentions = (room?.members ?? [])
    .filter((member) => member.conversation_id !== state.me.id)
    .filter((member) => names(text, personName(state.people, member.conversation_id, member.user_id).toLowerCase()))
    .map((member) => member.conversation_id);
  const everyone = room?.type !== 'listing' && ['channel', 'everyone', 'all'].some((word) => names(text, word));
  return { mentions, everyone };
}

async function sendFromComposer() {
  const open = state.open;
  const content = elements.composerInput.value;
  if (!open || !content.trim()) return;
  const clientMessageId = newClientMessageId();
  const key = `local-${clientMessageId}`;
  const entry = {
    key,
    id: null,
    seq: null,
    conversation_id: state.me.id,
    content,
    created: new Date().toISOString(),
    edited_at: null,
    deleted: false,
    attachments: [],
    ...mentionsIn(content, state.rooms.get(open.roomId)),
    client_message_id: clientMessageId,
    state: 'pending',
    error: null,
  };
  open.messages.set(key, entry);
  elements.composerInput.value = '';
  renderOpenRoom();
  scrollToNewest();
  await send(entry, open.roomId);
}

function focusMessageAction(key, label) {
  const item = [...elements.messages.children].find((child) => child.dataset.key === key);
  const action = item && [...item.querySelectorAll('button')].find((candidate) => candidate.textContent === label);
  (action ?? elements.composerInput).focus();
}

const messageActions = {
  onRetry(key) {
    const entry = state.open?.messages.get(key);
    if (entry) send(entry, state.open.roomId);
  },
  onEdit(key) {
    state.editingKey = key;
    renderOpenRoom();
  },
  onCancelEdit(key) {
    state.editingKey = null;
    renderOpenRoom();
    focusMessageAction(key, 'Edit');
  },
  async onSaveEdit(key, content) {
    const entry = state.open?.messages.get(key);
    if (!entry || !content.trim()) return;
    const updated = await attempt(() => state.api.edit(entry.id, content));
    if (!updated) return;
    if (state.open?.messages.has(key)) addMessage(updated);
    state.editingKey = null;
    renderOpenRoom();
    focusMessageAction(key, 'Edit');
  },
  async onReact(key, emoji, reacted) {
    const entry = state.open?.messages.get(key);
    if (!entry?.id) return;
    const updated = await attempt(() => state.api.react(entry.id, emoji, reacted));
    if (!updated || !state.open?.messages.has(key)) return;
    addMessage(updated);
    renderOpenRoom();
  },
  async onPin(key, pinned) {
    const entry = state.open?.messages.get(key);
    if (!entry?.id) return;
    const updated = await attempt(() => state.api.pin(entry.id, pinned));
    if (!updated || !state.open?.messages.has(key)) return;
    addMessage(updated);
    renderOpenRoom();
  },
  /** Unread again from this message on: the room closes, so that being open does not read it again. */
  async onMarkUnread(key) {
    const open = state.open;
    const entry = open?.messages.get(key);
    if (!entry?.id) return;
    // The push of the new count may come before the answer: the open room must not read it again meanwhile.
    open.markingUnread = true;
    const room = await attempt(() => state.api.markUnread(open.roomId, entry.id));
    open.markingUnread = false;
    if (!room) return;
    upsertRoom(room);
    if (state.open === open) closeRoom();
    else renderSidebar();
  },
  onDelete(key) {
    const entry = state.open?.messages.get(key);
    if (!entry) return;
    state.deletingKey = key;
    const mine = entry.conversation_id === state.me.id;
    elements.deleteForEveryone.hidden = !(mine || state.actor.scopes.includes('conversation.admin'));
    elements.deleteDialog.returnValue = '';
    elements.deleteDialog.showModal();
  },
};

async function deleteChosen() {
  const scope = elements.deleteDialog.returnValue;
  const key = state.deletingKey;
  state.deletingKey = null;
  const open = state.open;
  const entry = open?.messages.get(key);
  if (!entry || (scope !== 'me' && scope !== 'everyone')) return;
  const done = await attempt(async () => {
    await state.api.remove(entry.id, scope);
    return true;
  });
  if (!done || state.open !== open) return;
  applyDeletion(entry.id, scope);
  elements.composerInput.focus();
}

function applyDeletion(messageId, scope) {
  const open = state.open;
  const key = open?.keysById.get(messageId);
  if (!key) return;
  if (scope === 'me') {
    open.messages.delete(key);
    open.keysById.delete(messageId);
  } else {
    Object.assign(open.messages.get(key), { deleted: true, content: '', attachments: [] });
  }
  if (state.editingKey === key) state.editingKey = null;
  renderOpenRoom();
}

/**
 * A page of changes (newest first) applied oldest first: a message hidden from me goes, the rest
 * are taken as they are now. A change to a message older than any this page holds stays out: it
 * shows when the reader pages back to it.
 */
function applyChanges(changed) {
  const oldest = orderedMessages().find((message) => message.id)?.seq ?? 0;
  for (const view of [...changed].reverse()) {
    if (view.hidden) applyDeletion(view.id, 'me');
    else if (state.open.keysById.has(view.id) || view.seq > oldest || state.open.older === null) addMessage(view);
  }
}

// ---------------------------------------------------------------- pushes

function onPush(event, payload) {
  const handler = pushHandlers[event];
  if (handler) Promise.resolve(handler(payload)).catch((error) => showNotice(`Could not apply ${event}: ${error.message}`));
}

const pushHandlers = {
  async new_message({ room_id: roomId, message }) {
    const room = state.rooms.get(roomId);
    if (!room) {
      await fetchRoom(roomId);
    } else {
      // last_message_id is left to room_updated, which tells a new message from other changes by it.
      Object.assign(room, { last_message_at: message.created, last_activity: message.created });
      renderSidebar();
    }
    const open = state.open;
    if (open?.roomId !== roomId) return;
    const follow = nearNewest();
    addMessage(message);
    if (message.conversation_id) open.typing.delete(message.conversation_id);
    renderOpenRoom();
    if (follow || message.conversation_id === state.me.id) scrollToNewest();
    await markRead();
  },

  message_updated({ room_id: roomId, message }) {
    if (state.open?.roomId !== roomId || !state.open.keysById.has(message.id)) return;
    addMessage(message);
    renderOpenRoom();
  },

  message_deleted({ room_id: roomId, message_id: messageId, for: scope }) {
    if (state.open?.roomId === roomId) applyDeletion(messageId, scope);
  },

  async room_created({ room_id: roomId }) {
    await fetchRoom(roomId);
  },

  async room_updated(update) {
    const room = state.rooms.get(update.room_id);
    if (update.removed || update.deleted) {
      forgetRoom(update.room_id);
      return;
    }
    if (!room) {
      // Added to a room (a channel's new member): the first this page hears of it.
      await fetchRoom(update.room_id);
      return;
    }
    const sameLastMessage = room.last_message_id === update.last_message_id;
    Object.assign(room, { last_message_id: update.last_message_id, last_activity: update.last_activity, unread_count: update.unread_count, mention_count: update.mention_count ?? 0 });
    if (update.name !== undefined) room.name = update.name;
    renderSidebar();
    if (state.open?.roomId !== room.id) return;
    // Not a new message: a channel's members may have changed, which the push does not carry.
    if (sameLastMessage && room.type === 'channel') await fetchRoom(room.id);
    else renderOpenRoom();
    if (update.unread_count > 0) await markRead();
  },

  read_receipt({ room_id: roomId, conversation_id: conversationId, message_id: messageId }) {
    const room = state.rooms.get(roomId);
    const member = room?.members.find((candidate) => candidate.conversation_id === conversationId);
    if (!member) return;
    member.last_message_read = messageId;
    if (state.open?.roomId === roomId) renderOpenRoom();
  },

  typing_indicator({ room_id: roomId, conversation_id: conversationId, expires_in_ms: expiresInMs }) {
    const open = state.open;
    if (open?.roomId !== roomId || conversationId === state.me.id) return;
    open.typing.set(conversationId, Date.now() + expiresInMs);
    renderTyping();
  },

  status_changed({ conversation_id: conversationId, user_id: userId, status }) {
    if (conversationId === state.me?.id) {
      elements.myStatus.value = status;
      return;
    }
    // Someone new to the team shows up the moment they come online.
    rememberPerson(conversationId, userId, { status });
    renderSidebar();
    renderOpenRoom();
  },

  reminder_due({ room_id: roomId }) {
    const room = state.rooms.get(roomId);
    showNotice(`A reminder you set is due${room ? ` in ${room.name ?? 'a conversation'}` : ''}.`, 'info');
  },

  async support_assigned({ room_id: roomId }) {
    await fetchRoom(roomId);
    showNotice('A support conversation was assigned to you.', 'info');
  },
};

/**
 * After a reconnect the server could not replay (a long gap, or realtime restarted): the room list
 * afresh, and what changed in the open room since this page last read it (`changed_after`: new
 * messages, edits, deletes), page after page.
 */
async function catchUp() {
  await attempt(async () => {
    await Promise.all([loadTeam(), loadRooms()]);
    const open = state.open;
    if (!open) return;
    if (!open.changes) {
      const page = await state.api.messages(open.roomId, { limit: PAGE_SIZE });
      for (const message of page.data) addMessage(message);
      open.older = page.next;
      open.changes = { rev: Math.max(0, ...page.data.map((message) => message.rev ?? 0)), cursor: null };
    }
    for (let more = true; more && state.open === open; ) {
      const { rev, cursor } = open.changes;
      const page = await state.api.messages(open.roomId, cursor ? { after: cursor, limit: CATCH_UP_PAGE_SIZE } : { changedAfter: rev, limit: CATCH_UP_PAGE_SIZE });
      if (state.open !== open) return;
      applyChanges(page.data);
      open.changes = { rev, cursor: page.previous };
      more = page.data.length === CATCH_UP_PAGE_SIZE;
    }
    await fetchRoom(open.roomId);
    renderOpenRoom();
    await markRead();
  });
}

// ---------------------------------------------------------------- wiring

elements.pasteForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = new FormData(elements.pasteForm).get('token').trim();
  if (token) await signIn(token, { fromForm: true });
});

elements.devForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(elements.devForm);
  const claims = { sub: form.get('sub').trim(), account_id: form.get('account_id').trim(), scopes: form.getAll('scopes') };
  const minted = await attempt(() => mintDevToken(claims));
  if (minted) await signIn(minted.token, { fromForm: true });
});

elements.signOut.addEventListener('click', signOut);

elements.myStatus.addEventListener('change', async () => {
  const ack = await state.live?.setPresence(elements.myStatus.value);
  if (ack && !ack.ok) showNotice(ack.error);
});

elements.filters.addEventListener('change', async () => {
  const form = new FormData(elements.filters);
  state.filter = { type: form.get('type'), unread: form.has('unread'), favorite: form.has('favorite') };
  state.roomsNext = null;
  renderSidebar();
  await attempt(() => loadRooms());
});

elements.moreRooms.addEventListener('click', () => attempt(() => loadRooms({ more: true })));

elements.directForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const member = new FormData(elements.directForm).get('member').trim();
  await messagePerson(member);
  elements.directForm.reset();
});

elements.channelForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(elements.channelForm);
  const members = form.get('members').split(',').map((id) => id.trim()).filter(Boolean);
  const body = { type: 'channel', name: form.get('name').trim(), ...(members.length ? { members } : {}) };
  const room = await attempt(() => state.api.createRoom(body));
  if (!room) return;
  upsertRoom(room);
  elements.channelForm.reset();
  renderSidebar();
  await openRoom(room.id, { moveFocus: true });
});

elements.copyConversationId.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(state.me.id);
    showNotice('Your conversation id is copied: give it to whoever should message you.', 'info');
  } catch {
    // No clipboard (a page not served from localhost or https): select it for a manual copy.
    getSelection().selectAllChildren(elements.myConversationId);
  }
});

// The skip link lands where typing starts: the message box of the open room, else the room list.
elements.skipLink.addEventListener('click', (event) => {
  event.preventDefault();
  if (state.open) elements.composerInput.focus();
  else (elements.roomList.querySelector('.room-open') ?? elements.signIn.querySelector('textarea, input'))?.focus();
});

elements.back.addEventListener('click', closeRoom);
elements.older.addEventListener('click', loadOlder);

elements.head.favorite.addEventListener('click', () => {
  const room = state.open && state.rooms.get(state.open.roomId);
  if (room) setFavorite(room.id, !room.favorite);
});

elements.head.snoozeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const roomId = state.open?.roomId;
  const minutes = Number(new FormData(elements.head.snoozeForm).get('minutes'));
  await attempt(async () => {
    upsertRoom(await state.api.snooze(roomId, minutes));
    renderSidebar();
    renderOpenRoom();
    elements.endSnooze.focus();
  });
});

elements.addMemberForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const roomId = state.open?.roomId;
  const member = new FormData(elements.addMemberForm).get('member').trim();
  await attempt(async () => {
    upsertRoom(await state.api.addMembers(roomId, [member]));
    elements.addMemberForm.reset();
    renderOpenRoom();
  });
});

elements.endSnooze.addEventListener('click', async () => {
  const roomId = state.open?.roomId;
  await attempt(async () => {
    upsertRoom(await state.api.endSnooze(roomId));
    renderSidebar();
    renderOpenRoom();
    elements.head.snoozeForm.querySelector('select').focus();
  });
});

elements.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  sendFromComposer();
});

elements.composerInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendFromComposer();
  }
});

limitToCharacters(elements.composerInput, 5000);

elements.composerInput.addEventListener('input', () => {
  if (state.open && elements.composerInput.value) state.live?.typing(state.open.roomId);
});

elements.deleteDialog.addEventListener('close', deleteChosen);

document.addEventListener('visibilitychange', () => markRead());

window.addEventListener('hashchange', () => {
  const roomId = roomIdFromHash();
  if (state.api && roomId) openRoom(roomId);
});

// Another tab signed in as someone else, or out: this one follows.
window.addEventListener('storage', (event) => {
  if (event.key === TOKEN_KEY && event.newValue !== state.api?.token) location.reload();
});

start();
