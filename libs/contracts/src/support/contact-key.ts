import { AppError } from '../errors.js';
import type { SupportContact } from './support.views.js';

/**
 * A contact's identity within an account: the CRM id when known, else the number, else the
 * address. An account has at most one open support room per key.
 */
export function contactKey(contact: SupportContact): string {
  if (contact.id) return `id:${contact.id}`;
  if (contact.phone) return `phone:${contact.phone}`;
  if (contact.email) return `email:${contact.email.toLowerCase()}`;
  throw AppError.badRequest('contact', 'contact needs an id, a phone or an email');
}
