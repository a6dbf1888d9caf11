// The sidebar: the user's rooms (badges, favorites, snooze, presence of the other member of a
// direct room) and the team (presence, and a button to message each person).
import { reconcile } from './keyed-list.js';

const TYPE_LABELS = { direct: 'Direct', channel: 'Channel', listing: 'Listing', support: 'Support' };

/** A person's name as the console shows it: their name where known, else their user id. */
export function personName(people, conversationId, fallbackUserId) {
  const person = people.get(conversationId);
  return person?.name || person?.user_id || fallbackUserId || 'someone';
}

/** The other member of a direct or listing room (null in a channel, or a room of one). */
export function otherMember(room, myConversationId) {
  if (room.type !== 'direct' && room.type !== 'listing') return null;
  return room.members.find((member) => member.conversation_id !== myConversationId) ?? null;
}

/** What a room is called: a channel by its name, a direct room by the other person, a support room by its contact. */
export function roomTitle(room, people, myConversationId) {
  if (room.type === 'channel') return `# ${room.name ?? 'channel'}`;
  if (room.type === 'support') return `Support: ${room.support?.contact?.name ?? room.support?.contact?.phone ?? room.support?.contact?.email ?? 'contact'}`;
  const other = otherMember(room, myConversationId);
  const name = other ? personName(people, other.conversation_id, other.user_id) : 'Just you';
  return room.type === 'listing' ? `${name} · listing ${room.listing_id ?? ''}`.trim() : name;
}

export function isSnoozed(room) {
  return !!room.snoozed_until && Date.parse(room.snoozed_until) > Date.now();
}

export function shortTime(iso) {
  if (!iso) return '';
  const when = new Date(iso);
  const today = new Date();
  return when.toDateString() === today.toDateString()
    ? when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : when.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

/** A presence dot, with its meaning in words for screen readers. */
export function presenceDot(status) {
  const dot = document.createElement('span');
  dot.className = 'presence';
  const words = document.createElement('span');
  words.className = 'visually-hidden';
  dot.append(words);
  setPresence(dot, status);
  return dot;
}

/**
 * Online, offline, or unknown: the team list only has people the identity service knows (`_users`);
 * anyone else's status is known once it changes while this page is open.
 */
export function setPresence(dot, status) {
  const shown = status === 'online' || status === 'offline' ? status : 'unknown';
  dot.dataset.status = shown;
  dot.firstElementChild.textContent = shown === 'unknown' ? 'status unknown' : shown;
}

function createRoomItem(room, handlers) {
  const item = document.createElement('li');
  item.className = 'room-item';
  item.dataset.roomId = room.id;
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'room-open';
  open.addEventListener('click', () => handlers.onOpen(item.dataset.roomId));
  const favorite = document.createElement('button');
  favorite.type = 'button';
  favorite.className = 'favorite-toggle';
  favorite.addEventListener('click', () => handlers.onFavorite(item.dataset.roomId, favorite.getAttribute('aria-pressed') !== 'true'));
  item.append(open, favorite);
  return item;
}

function updateRoomItem(item, room, context) {
  const { people, me, openRoomId } = context;
  const [open, favorite] = item.children;
  const title = roomTitle(room, people, me.id);
  const snoozed = isSnoozed(room);
  item.dataset.snoozed = String(snoozed);
  open.setAttribute('aria-current', String(room.id === openRoomId));
  const other = room.type === 'direct' ? otherMember(room, me.id) : null;
  const marker = other ? presenceDot(people.get(other.conversation_id)?.status) : document.createElement('span');
  if (!other) {
    marker.className = 'room-icon';
    marker.setAttribute('aria-hidden', 'true');
    marker.textContent = room.type === 'channel' ? '#' : room.type === 'support' ? '?' : '•';
  }
  const name = document.createElement('span');
  name.className = 'room-name';
  name.textContent = title;
  const meta = document.createElement('span');
  meta.className = 'room-meta';
  meta.textContent = [TYPE_LABELS[room.type], shortTime(room.last_message_at ?? room.last_activity), snoozed ? 'snoozed' : null].filter(Boolean).join(' · ');
  const parts = [marker, name, meta];
  if (room.unread_count > 0) {
    const badge = document.createElement('span');
    badge.className = 'unread-badge';
    badge.dataset.count = String(room.unread_count);
    badge.textContent = String(room.unread_count);
    const words = document.createElement('span');
    words.className = 'visually-hidden';
    words.textContent = ' unread';
    badge.append(words);
    parts.push(badge);
  }
  if (room.mention_count > 0) {
    const mention = document.createElement('span');
    mention.className = 'mention-badge';
    mention.dataset.count = String(room.mention_count);
    mention.textContent = '@';
    mention.title = `${room.mention_count} unread ${room.mention_count === 1 ? 'message mentions' : 'messages mention'} you`;
    const words = document.createElement('span');
    words.className = 'visually-hidden';
    words.textContent = ` ${mention.title}`;
    mention.append(words);
    parts.push(mention);
  }
  open.replaceChildren(...parts);
  favorite.setAttribute('aria-pressed', String(!!room.favorite));
  favorite.setAttribute('aria-label', `Favorite ${title}`);
  favorite.textContent = room.favorite ? '★' : '☆';
}

/** Renders the rooms that pass the filter, most recent activity first. */
export function renderRoomList(list, rooms, context, handlers) {
  reconcile(list, rooms, {
    key: (room) => room.id,
    create: (room) => createRoomItem(room, handlers),
    update: (item, room) => updateRoomItem(item, room, context),
  });
}

/** Renders the team: everyone of the account but the user, online first, each with a button to message them. */
export function renderTeam(list, people, me, onMessage) {
  const others = [...people.values()]
    .filter((person) => person.id !== me.id)
    .sort((a, b) => (a.status === b.status ? personName(people, a.id).localeCompare(personName(people, b.id)) : a.status === 'online' ? -1 : 1));
  reconcile(list, others, {
    key: (person) => person.id,
    create: (person) => {
      const item = document.createElement('li');
      item.className = 'team-member';
      const name = document.createElement('span');
      name.className = 'name';
      const message = document.createElement('button');
      message.type = 'button';
      message.className = 'secondary';
      message.textContent = 'Message';
      message.addEventListener('click', () => onMessage(person.id));
      item.append(presenceDot(person.status), name, message);
      return item;
    },
    update: (item, person) => {
      const [dot, name, message] = item.children;
      setPresence(dot, person.status);
      const label = personName(people, person.id);
      name.textContent = label;
      name.title = `conversation ${person.id}`;
      message.setAttribute('aria-label', `Message ${label}`);
    },
  });
  return others.length;
}
