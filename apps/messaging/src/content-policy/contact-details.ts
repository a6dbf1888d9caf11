import escapeHtml from 'escape-html';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { LinkifyIt } from 'linkify-it';
import { AppError, type ContentPolicyView, type MessagePolicyView } from '@parley/contracts';
import { plainTextOf } from '../messages/plain-text.js';

type Kind = 'phones' | 'emails' | 'links';

/** What a masked detail is replaced with: the reader sees that something was there, not what. */
const MASKS: Record<Kind, string> = { phones: '[phone number hidden]', emails: '[email address hidden]', links: '[link hidden]' };

const linkify = new LinkifyIt().set({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });

/** Where a text has phone numbers, email addresses and links (as character ranges). */
function detailsIn(text: string): { kind: Kind; start: number; end: number }[] {
  const found: { kind: Kind; start: number; end: number }[] = [];
  for (const match of linkify.match(text) ?? []) {
    found.push({ kind: match.schema === 'mailto:' ? 'emails' : 'links', start: match.index, end: match.lastIndex });
  }
  // Numbers written nationally are read as US ones; numbers with a country code anywhere.
  for (const number of findPhoneNumbersInText(text, 'US')) {
    if (!found.some((detail) => number.startsAt < detail.end && detail.start < number.endsAt)) {
      found.push({ kind: 'phones', start: number.startsAt, end: number.endsAt });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Applies an account's content policy to a listing message (stored content: clean HTML, and its
 * attachments): a refused kind is a 422 naming the rule; masked kinds are replaced, and the message
 * says which were. The details are looked for in the text a reader sees (`415<b></b>-555-0100` is a
 * phone number, a link's `href` is a link), so markup cannot hide them; a masked message is stored
 * as that text, masked, without its formatting. An attachment given by `url` is a link however it
 * is sent: refused, or left out (masked), as a link in the text would be.
 */
export function applyContentPolicy<A extends { url?: string }>(
  content: string,
  policy: Pick<ContentPolicyView, Kind>,
  attachments?: A[],
): { content: string; policy?: MessagePolicyView; attachments?: A[] } {
  const linked = (attachments ?? []).filter((attachment) => attachment.url !== undefined);
  const kept = attachments && policy.links === 'mask' && linked.length > 0 ? { attachments: attachments.filter((attachment) => attachment.url === undefined) } : attachments ? { attachments } : {};
  if (policy.links === 'refuse' && linked.length > 0) throw refusal('links', `attachments.${(attachments ?? []).indexOf(linked[0])}.url`);
  if (policy.phones === 'allow' && policy.emails === 'allow' && policy.links === 'allow') return { content, ...kept };
  const text = plainTextOf(content);
  const details = detailsIn(text).filter((detail) => policy[detail.kind] !== 'allow');
  const refused = details.find((detail) => policy[detail.kind] === 'refuse');
  if (refused) throw refusal(refused.kind);
  const maskedKinds = new Set<Kind>(details.map((detail) => detail.kind));
  if (policy.links === 'mask' && linked.length > 0) maskedKinds.add('links');
  if (maskedKinds.size === 0) return { content, ...kept };
  if (details.length === 0) return { content, policy: { masked: [...maskedKinds] }, ...kept };
  let masked = '';
  let at = 0;
  for (const detail of details) {
    masked += text.slice(at, detail.start) + MASKS[detail.kind];
    at = detail.end;
  }
  masked += text.slice(at);
  return { content: escapeHtml(masked), policy: { masked: [...maskedKinds] }, ...kept };
}

function refusal(kind: Kind, field?: string): AppError {
  return AppError.contentRefused(`${kind}: refuse`, `Listing messages of this account may not contain ${kind === 'phones' ? 'phone numbers' : kind === 'emails' ? 'email addresses' : 'links'} (content policy: ${kind} refuse)`, field);
}
