import emojiRegex from 'emoji-regex';
import { AppError } from './errors.js';

/** Limits of design.md section 4, enforced at the edge and again where data is stored. */
export const Limits = {
  contentMaxLength: 5000,
  attachmentsMax: 10,
  clientMessageIdMaxLength: 100,
  pageSizeDefault: 50,
  pageSizeMax: 100,
  /**
   * Members a room carries in a list of rooms (the caller first): enough for a row's avatars. With
   * every member, 50 rooms of 300-member channels made a 1.3 MB answer, past what Kafka carries as one
   * reply (a 504 after 10 s, every time); GET /v1/rooms/:id lists them all.
   */
  roomListMemberLimit: 20,
  /** Different reactions one message holds (Slack's limit is 50 too). */
  reactionsPerMessageMax: 50,
  /** Characters of one reaction: an emoji sequence (a family, a flag) or a short name such as `thumbsup`. */
  reactionMaxLength: 32,
  /** Members one message may mention by id. */
  mentionsPerMessageMax: 100,
  /** Pinned messages one room holds (Slack's limit is 100 too). */
  pinsPerRoomMax: 100,
} as const;

/** The length a text limit counts, as JSON Schema and class-validator do: characters, an emoji one (not its UTF-16 units). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A NUL, or a UTF-16 surrogate without its other half: JSON can carry it, but it is no text (BSON and UTF-8 store U+FFFD instead). */
const BROKEN_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string is text at all: no NUL and no half of a surrogate pair. */
export function isWholeText(text: string): boolean {
  return !BROKEN_TEXT.test(text);
}

/** A reaction's short name, as Slack and Mattermost name theirs: `thumbsup`, `+1`, `white_check_mark`. */
const REACTION_NAME = /^[a-z0-9_+-]+$/i;
/** Every emoji of a text (Unicode's emoji sequences: skin tones, flags, keycaps, ZWJ families). */
const EMOJI = emojiRegex();

/**
 * Refuses a reaction that is neither one emoji nor a short name, naming `emoji`: too long or empty
 * is a 400 (the document's bounds); anything else a 422, such as two emoji, an emoji with an
 * invisible or direction-changing character beside it, a lone variation selector, or `..` (which
 * clients' URL handling turns into the message's own path).
 */
export function checkReaction(emoji: string): void {
  const length = characterCount(emoji);
  if (length === 0 || length > Limits.reactionMaxLength) throw AppError.badRequest('emoji', `emoji must be 1 to ${Limits.reactionMaxLength} characters`);
  if (REACTION_NAME.test(emoji)) return;
  const found = emoji.match(EMOJI);
  if (found?.length !== 1 || found[0] !== emoji) {
    throw AppError.unprocessable('emoji', 'emoji must be one emoji (👍, 🇫🇷, 👨‍👩‍👧) or a short name of letters, digits, _, + and - (thumbsup)');
  }
}

/** Characters that show: not white space, separators or format characters (zero-width spaces, joiners). */
const VISIBLE = /[^\s\p{Z}\p{Cf}]/u;

/** Whether text shows a reader anything: white space and zero-width characters alone do not. */
export function showsText(text: string): boolean {
  return VISIBLE.test(text);
}

/** Control characters, and the ones that reorder what follows them (a name must read as it is). */
const UNREADABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/**
 * A name as people read it (a channel's, an inbox's, a contact's): trimmed and in one Unicode form
 * (NFC), so `Café` typed either way is one name; `problem` says why it cannot be shown as a name
 * (it shows nothing, or holds control characters or text-direction overrides, which can make a
 * list read other than it is), else null.
 */
export function nameAsRead(given: string): { name: string; problem: string | null } {
  const name = given.trim().normalize('NFC');
  if (!showsText(name)) return { name, problem: 'shows nothing: give it a letter, digit or symbol' };
  if (UNREADABLE.test(name)) return { name, problem: 'must not hold control characters or text-direction overrides' };
  return { name, problem: null };
}

/** A name given by a caller as it will be stored (see nameAsRead); an unreadable one is a 422 naming `field`. */
export function readableName(given: string, field: string): string {
  const { name, problem } = nameAsRead(given);
  if (problem) throw AppError.unprocessable(field, `${field} ${problem}`);
  return name;
}

/** How the document states the rule of readableName. */
export const READABLE_NAME_RULE =
  'Trimmed and kept in one Unicode form (NFC). One that shows nothing (zero-width characters only) or holds control characters or text-direction overrides is a 422.';
