/** What happens to one kind of contact detail in a listing message. */
export type ContentRule = 'allow' | 'mask' | 'refuse';
export const CONTENT_RULES: ContentRule[] = ['allow', 'mask', 'refuse'];

/** An account's content policy. */
export interface ContentPolicyView {
  phones: ContentRule;
  emails: ContentRule;
  links: ContentRule;
  updated: string | null;
}

/** `messaging.content-policy.set`: the kinds to change (a kind left out stays as it was). */
export type ContentPolicySetPayload = Partial<Pick<ContentPolicyView, 'phones' | 'emails' | 'links'>>;

/** Which kinds a stored listing message had masked. */
export interface MessagePolicyView {
  masked: ('phones' | 'emails' | 'links')[];
}
