/**
 * Request-reply patterns the support-routing app serves, named `<app>.<entity>.<action>`. They
 * travel on `support.commands` (see commandTopic); replies come back on `parley.replies`.
 */
export const SupportPatterns = {
  /** Create a support inbox (admin). */
  InboxCreate: 'support.inbox.create',
  /** The account's live inboxes. */
  InboxList: 'support.inbox.list',
  /** One inbox. */
  InboxGet: 'support.inbox.get',
  /** Rename an inbox, change its capacity or channels (admin). */
  InboxUpdate: 'support.inbox.update',
  /** Soft-delete an inbox (admin). */
  InboxDelete: 'support.inbox.delete',
  /** Add a team member to an inbox, or change their capacity (admin). */
  InboxAddMember: 'support.inbox.add-member',
  /** Remove a team member from an inbox; their open rooms are routed again (admin). */
  InboxRemoveMember: 'support.inbox.remove-member',
  /** Open, waiting and resolved counts and response times of an inbox. */
  InboxStats: 'support.inbox.stats',
  /** Which inbox an inbound SMS or email goes to, by the number or address it was sent to; unrouted ones are kept. */
  InboundRoute: 'support.inbound.route',
  /** Inbound SMS and email that no inbox owned (admin). */
  UnroutedList: 'support.unrouted.list',
  /** Support rooms of the inboxes the caller works, newest activity first. */
  RoomList: 'support.room.list',
  /** Assign a support room to an inbox member by hand. */
  RoomAssign: 'support.room.assign',
  /** Resolve a support room; its assignee's capacity frees. */
  RoomResolve: 'support.room.resolve',
  /** Reopen a resolved support room, routing it again when its assignee cannot take it. */
  RoomReopen: 'support.room.reopen',
} as const;
