// The open room: its heading (members with presence, favorite, snooze), its messages with their
// read receipts and actions (edit, delete), and who is typing.
import { reconcile } from './keyed-list.js';
import { isSnoozed, personName, presenceDot, roomTitle } from './room-list.js';

/** The tags and link schemes Parley keeps in content (messaging's ContentSanitizer): the only ones the page builds. */
const FORMATTING = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'S', 'CODE', 'PRE', 'BR', 'P', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'A']);
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);
/** The reaction every message offers before it has any. */
const QUICK_REACTION = '👍';

/**
 * Fills `target` with stored content as formatted text. The content is sanitized when stored; the
 * page still builds only the formatting Parley keeps, element by element from an inert parse, so
 * nothing else a message held could ever run or load here.
 */
export function renderContent(target, html) {
  const copy = (from, to) => {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        to.append(node.textContent);
      } else if (node.nodeType === Node.ELEMENT_NODE && FORMATTING.has(node.tagName)) {
        const element = document.createElement(node.tagName === 'P' ? 'span' : node.tagName.toLowerCase());
        if (node.tagName === 'P') element.className = 'paragraph';
        if (node.tagName === 'A') {
          const href = node.getAttribute('href') ?? '';
          let scheme = '';
          try {
            scheme = new URL(href).protocol;
          } catch {
            // not an absolute URL: text only
          }
          if (LINK_SCHEMES.has(scheme)) Object.assign(element, { href, rel: 'noopener noreferrer nofollow', target: '_blank' });
        }
        copy(node, element);
        to.append(element);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        copy(node, to);
      }
    }
  };
  target.replaceChildren();
  copy(new DOMParser().parseFromString(html, 'text/html').body, target);
}

/**
 * Holds a text field to `max` characters as the API counts them (code points: an emoji is one), where
 * the maxlength attribute counts UTF-16 units (an emoji is two).
 */
export function limitToCharacters(field, max) {
  field.addEventListener('input', () => {
    const characters = [...field.value];
    if (characters.length > max) field.value = characters.slice(0, max).join('');
  });
}

/** Renders the heading of the open room. */
export function renderRoomHead(elements, room, { people, me }) {
  elements.title.textContent = roomTitle(room, people, me.id);
  const members = room.members.map((member) => {
    const entry = document.createElement('span');
    entry.className = 'member';
    const name = document.createElement('span');
    name.textContent = member.conversation_id === me.id ? 'you' : personName(people, member.conversation_id, member.user_id);
    entry.append(presenceDot(member.conversation_id === me.id ? 'online' : people.get(member.conversation_id)?.status), name);
    return entry;
  });
  const label = document.createElement('span');
  label.className = 'visually-hidden';
  label.textContent = 'Members:';
  elements.members.replaceChildren(label, ...members);
  elements.addMember.hidden = room.type !== 'channel';
  elements.favorite.setAttribute('aria-pressed', String(!!room.favorite));
  elements.favorite.textContent = room.favorite ? '★ Favorite' : '☆ Favorite';
  const snoozed = isSnoozed(room);
  elements.snoozeForm.hidden = snoozed;
  elements.snoozed.hidden = !snoozed;
  if (snoozed) elements.snoozedText.textContent = `Snoozed until ${new Date(room.snoozed_until).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}`;
}

/**
 * Who of the room's other members has read a message: their read position is at it or past it.
 * `seqOf` turns a read position (a message id) into a seq, or null when that message is not loaded.
 */
function readers(message, room, me, seqOf, newestLoadedId) {
  return room.members.filter((member) => {
    if (member.conversation_id === me.id || !member.last_message_read) return false;
    const readSeq = seqOf(member.last_message_read);
    // A position not loaded here is older than the history shown, or newer than it (not fetched yet).
    if (readSeq === null) return member.last_message_read > newestLoadedId;
    return readSeq >= message.seq;
  });
}

function receiptText(message, room, context) {
  if (message.state === 'pending') return { text: 'Sending…', seen: false };
  if (message.state === 'failed') return { text: `Not sent: ${message.error}`, seen: false };
  const seenBy = readers(message, room, context.me, context.seqOf, context.newestLoadedId);
  if (seenBy.length === 0) return { text: 'Sent', seen: false };
  if (room.type === 'direct' || room.type === 'listing') return { text: 'Seen', seen: true };
  const names = seenBy.map((member) => personName(context.people, member.conversation_id, member.user_id));
  return { text: `Seen by ${names.join(', ')}`, seen: true };
}

function authorName(message, context) {
  if (message.contact) return message.contact.name ?? message.contact.phone ?? message.contact.email ?? 'contact';
  if (message.conversation_id === context.me.id) return 'You';
  return personName(context.people, message.conversation_id);
}

function button(text, className, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = className;
  element.textContent = text;
  element.addEventListener('click', onClick);
  return element;
}

function editor(message, handlers) {
  const form = document.createElement('form');
  form.className = 'message-edit';
  const id = `edit-${message.key}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.className = 'visually-hidden';
  label.textContent = 'Edit message';
  const field = document.createElement('textarea');
  field.id = id;
  field.rows = 2;
  limitToCharacters(field, 5000);
  field.required = true;
  field.value = message.content;
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      handlers.onCancelEdit(message.key);
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const actions = document.createElement('div');
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = 'Save';
  actions.append(save, button('Cancel', 'secondary', () => handlers.onCancelEdit(message.key)));
  form.append(label, field);
  // The editor edits text: a message formatted through the API (bold, links, lists) loses that on save.
  if (/<[a-z]/i.test(message.html ?? '')) {
    const note = Object.assign(document.createElement('p'), { className: 'hint', id: `${id}-note`, textContent: 'Saving here keeps the text; its formatting is dropped.' });
    field.setAttribute('aria-describedby', note.id);
    form.append(note);
  }
  form.append(actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handlers.onSaveEdit(message.key, field.value);
  });
  return form;
}

function updateMessage(item, message, context, handlers) {
  const mine = message.conversation_id === context.me.id && !message.contact;
  item.dataset.mine = String(mine);
  item.dataset.state = message.state;
  item.dataset.deleted = String(!!message.deleted);
  if (message.id) item.dataset.messageId = message.id;
  const editing = context.editingKey === message.key;
  const receipt = mine ? receiptText(message, context.room, context) : null;
  // The editor is built once and left alone while open: a live update must not wipe what is being typed.
  if (editing && item.querySelector('.message-edit')) return;
  // The list is a live region: a message is rebuilt only when what it shows changed, or a screen
  // reader would read the whole history again on every update. A receipt changes in place.
  const author = authorName(message, context);
  const mentionsMe = !message.deleted && ((message.mentions ?? []).includes(context.me.id) || (!!message.mention_everyone && !mine));
  item.dataset.mentionsMe = String(mentionsMe);
  const shown = JSON.stringify([mine, editing, message.state, message.error, message.deleted, message.content, message.edited_at, author, message.attachments?.length ?? 0, message.reactions, mentionsMe, message.pinned?.at ?? null]);
  if (item.dataset.shown !== shown) {
    item.dataset.shown = shown;
    // Listing messages take no reactions (the marketplace contract): none are offered there.
    // A listing room's read state is the marketplace's; a support team member outside the room has none.
    const markable = !mine && context.room.type !== 'listing' && context.room.members.some((member) => member.conversation_id === context.me.id);
    buildMessage(item, message, { mine, editing, author, me: context.me.id, reactable: context.room.type !== 'listing', mentionsMe, markable }, handlers);
  }
  const receiptElement = item.querySelector('.receipt');
  if (receiptElement && receipt && receiptElement.textContent !== receipt.text) {
    receiptElement.textContent = receipt.text;
    receiptElement.dataset.seen = String(receipt.seen);
  }
}

function buildMessage(item, message, { mine, editing, author, me, reactable, mentionsMe, markable }, handlers) {
  const head = document.createElement('div');
  head.className = 'message-head';
  const authorElement = document.createElement('span');
  authorElement.className = 'message-author';
  authorElement.textContent = author;
  const time = document.createElement('time');
  time.dateTime = message.created;
  time.textContent = new Date(message.created).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  head.append(authorElement, time);
  if (message.private) head.append(Object.assign(document.createElement('span'), { textContent: 'team note' }));
  if (message.pinned && !message.deleted) head.append(Object.assign(document.createElement('span'), { className: 'pin-label', textContent: '📌 pinned' }));
  if (mentionsMe) head.append(Object.assign(document.createElement('span'), { className: 'mention-label', textContent: 'mentions you' }));
  if (message.edited_at && !message.deleted) head.append(Object.assign(document.createElement('span'), { textContent: '(edited)' }));

  const parts = [head];
  if (editing) {
    parts.push(editor(message, handlers));
  } else {
    const body = document.createElement('p');
    body.className = 'message-body';
    body.id = `message-body-${message.key}`;
    if (message.deleted) body.textContent = 'This message was deleted.';
    else if (message.html !== undefined) renderContent(body, message.html);
    else body.textContent = message.content;
    parts.push(body);
    if (!message.deleted && message.attachments?.length) {
      const files = document.createElement('ul');
      files.className = 'attachments';
      for (const attachment of message.attachments) {
        const entry = document.createElement('li');
        if (attachment.url) {
          const link = Object.assign(document.createElement('a'), { href: attachment.url, textContent: attachment.name, rel: 'noopener noreferrer', target: '_blank' });
          entry.append(link);
        } else {
          entry.textContent = attachment.name;
        }
        files.append(entry);
      }
      parts.push(files);
    }
  }

  const foot = document.createElement('div');
  foot.className = 'message-foot';
  if (mine) {
    const receipt = document.createElement('span');
    receipt.className = 'receipt';
    foot.append(receipt);
  }
  if (message.state === 'failed') foot.append(button('Retry', 'secondary', () => handlers.onRetry(message.key)));
  if (message.state === 'sent' && !message.deleted && !editing) {
    // Each reaction toggles the reader's own; 👍 is there to give the first one.
    const reactions = message.reactions ?? [];
    // Offered first, where it usually stands once given, so it does not jump as its count goes to 0 and back.
    const offered = reactions.some((reaction) => reaction.emoji === QUICK_REACTION) ? reactions : [{ emoji: QUICK_REACTION, count: 0, conversation_ids: [] }, ...reactions];
    const given = reactable ? offered : [];
    for (const reaction of given) {
      const reacted = reaction.conversation_ids.includes(me);
      const toggle = button(reaction.count > 0 ? `${reaction.emoji} ${reaction.count}` : reaction.emoji, 'reaction', () => handlers.onReact(message.key, reaction.emoji, !reacted));
      toggle.setAttribute('aria-pressed', String(reacted));
      toggle.dataset.reaction = reaction.emoji;
      toggle.setAttribute('aria-label', `React ${reaction.emoji}${reaction.count > 0 ? `, ${reaction.count} so far` : ''}`);
      foot.append(toggle);
    }
    if (mine) foot.append(button('Edit', 'secondary', () => handlers.onEdit(message.key)));
    // Listing messages are not pinned (the marketplace contract), as they take no reactions.
    if (reactable) foot.append(button(message.pinned ? 'Unpin' : 'Pin', 'secondary', () => handlers.onPin(message.key, !message.pinned)));
    if (markable) foot.append(button('Mark unread', 'secondary', () => handlers.onMarkUnread(message.key)));
    foot.append(button('Delete', 'danger', () => handlers.onDelete(message.key)));
  }
  // "Edit" alone does not say which message: each action is described by the text it acts on.
  for (const action of foot.querySelectorAll('button')) action.setAttribute('aria-describedby', `message-body-${message.key}`);
  parts.push(foot);
  const focused = item.contains(document.activeElement) ? document.activeElement : null;
  const focusedAction = focused?.textContent;
  const focusedReaction = focused?.dataset.reaction;
  item.replaceChildren(...parts);
  // Rebuilt actions keep the keyboard where it was (the same action of the same message; a reaction's count changes).
  if (focused) {
    [...item.querySelectorAll('button')]
      .find((action) => (focusedReaction !== undefined ? action.dataset.reaction === focusedReaction : action.textContent === focusedAction))
      ?.focus({ preventScroll: true });
  }
  if (editing) item.querySelector('textarea')?.focus();
}

/** Renders the open room's messages, oldest first. */
export function renderMessages(list, messages, context, handlers) {
  reconcile(list, messages, {
    key: (message) => message.key,
    create: () => {
      const item = document.createElement('li');
      item.className = 'message';
      return item;
    },
    update: (item, message) => updateMessage(item, message, context, handlers),
  });
}

/** "Alice is typing…" for the people typing in the open room now. */
export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
