/** JWT scopes: what a token may do. */
export const Scopes = {
  /** A team member using the chat. */
  Conversation: 'conversation',
  /** A team member working the support inbox. */
  Support: 'conversation.support',
  /** An administrator of the account (channels, deleting for everyone). */
  Admin: 'conversation.admin',
  /** Another service calling the machine-to-machine endpoints. */
  M2m: 'conversation.m2m',
} as const;

export type Scope = (typeof Scopes)[keyof typeof Scopes];
