/** A case-insensitive "contains" match for a user's search text, with its regex characters escaped. */
export function containsText(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}
