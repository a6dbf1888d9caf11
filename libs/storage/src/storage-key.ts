import { randomUUID } from 'node:crypto';

/** Longest file name kept in a key; S3 allows 1024 bytes for the whole key. */
const MAX_FILE_NAME_LENGTH = 128;
/** Longest extension kept when a long name is shortened (`.tar.gz`, `.docx`, ...). */
const MAX_EXTENSION_LENGTH = 16;
const FALLBACK_FILE_NAME = 'file';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A new key for a file of an account: `<account id>/<random uuid>/<sanitized file name>`. The first
 * segment names the account, so a key can be checked against the caller's account; the uuid makes
 * two uploads of one name two objects.
 */
export function newStorageKey(accountId: string, fileName: string): string {
  return `${accountSegment(accountId)}/${randomUUID()}/${sanitizeFileName(fileName)}`;
}

/**
 * The key of a file whose id the caller chose (a UUID derived from a provider's message id, say),
 * in the same shape as newStorageKey: writing it again replaces the same object.
 */
export function storageKeyFor(accountId: string, id: string, fileName: string): string {
  if (!UUID.test(id)) throw new Error('A storage key id must be a lower-case UUID');
  return `${accountSegment(accountId)}/${id}/${sanitizeFileName(fileName)}`;
}

/** The account a key of newStorageKey belongs to, or null when the key does not have that shape. */
export function accountOfStorageKey(key: string): string | null {
  const segments = key.split('/');
  if (segments.length !== 3 || !UUID.test(segments[1]) || segments[2] === '') return null;
  try {
    const accountId = decodeURIComponent(segments[0]);
    return accountId !== '' && accountSegment(accountId) === segments[0] ? accountId : null;
  } catch {
    return null; // a malformed escape: not a key we made
  }
}

/** The file name part of a key of newStorageKey (its last segment, already made safe). */
export function fileNameOfStorageKey(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1) || FALLBACK_FILE_NAME;
}

/**
 * A file name as it may appear in a key and in a URL without surprises: its last path segment
 * only (browsers may send `C:\fakepath\x.png`), accents dropped, anything but letters, digits,
 * `.`, `_` and `-` turned into `_`, no leading dot (nor `.` or `..`), at most 128 characters with
 * the extension kept.
 */
export function sanitizeFileName(name: string): string {
  const lastSegment = name.split(/[\\/]/).pop() ?? '';
  const safe = lastSegment
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // the accents NFKD split off their letters
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .replace(/_+$/, '');
  if (safe === '') return FALLBACK_FILE_NAME;
  return shorten(safe);
}

function shorten(name: string): string {
  if (name.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_LENGTH ? name.slice(dot) : '';
  return name.slice(0, MAX_FILE_NAME_LENGTH - extension.length) + extension;
}

/**
 * The account id as one key segment: escaped, so that no id can add a segment or collide with
 * another id, and a dots-only id (a path's `.` or `..`) spelled with escapes.
 */
function accountSegment(accountId: string): string {
  if (accountId === '') throw new Error('A storage key needs an account id');
  const escaped = encodeURIComponent(accountId);
  return /^\.+$/.test(escaped) ? escaped.replace(/\./g, '%2E') : escaped;
}
