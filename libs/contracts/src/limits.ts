/** Limits of design.md section 4, enforced at the edge and again where data is stored. */
export const Limits = {
  contentMaxLength: 5000,
  attachmentsMax: 10,
  clientMessageIdMaxLength: 100,
  pageSizeDefault: 50,
  pageSizeMax: 100,
} as const;

/** The length a text limit counts, as JSON Schema and class-validator do: characters, an emoji one (not its UTF-16 units). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Characters that show: not white space, separators or format characters (zero-width spaces, joiners). */
const VISIBLE = /[^\s\p{Z}\p{Cf}]/u;

/** Whether text shows a reader anything: white space and zero-width characters alone do not. */
export function showsText(text: string): boolean {
  return VISIBLE.test(text);
}
