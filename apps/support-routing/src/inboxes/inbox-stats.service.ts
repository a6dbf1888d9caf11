import { Injectable } from '@nestjs/common';
import type { Actor, DurationStatsView, InboxStatsView } from '@parley/contracts';
import { AssignmentsRepository } from '../routing/assignments.repository.js';
import { InboxesService } from './inboxes.service.js';

/** The q-th quantile of sorted values by nearest rank; null when there are none. */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function durationStats(values: number[]): DurationStatsView {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median_ms: quantile(sorted, 0.5), p90_ms: quantile(sorted, 0.9) };
}

/** An inbox's open, waiting and resolved rooms and its response times. */
@Injectable()
export class InboxStatsService {
  constructor(
    private readonly inboxes: InboxesService,
    private readonly assignments: AssignmentsRepository,
  ) {}

  async of(actor: Actor, inboxIdText: string): Promise<InboxStatsView> {
    const inbox = await this.inboxes.live(actor, inboxIdText);
    const scope = { account_id: actor.accountId, inbox_id: inbox._id };
    const [open, waiting, resolved, durations] = await Promise.all([
      this.assignments.count({ ...scope, status: 'open', assignee: { $ne: null } }),
      this.assignments.count({ ...scope, status: 'open', assignee: null }),
      this.assignments.count({ ...scope, status: 'resolved' }),
      this.assignments.durations(actor.accountId, inbox._id),
    ]);
    return {
      inbox_id: inbox._id.toHexString(),
      open,
      waiting,
      resolved,
      first_response: durationStats(durations.firstResponse),
      resolution: durationStats(durations.resolution),
    };
  }
}
