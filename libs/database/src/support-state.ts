import { Types } from 'mongoose';
import type { AssignmentCandidateView, AssignmentView, SupportStateView } from '@parley/contracts';
import type { AssignmentCandidate, AssignmentDecision, SupportContactEntry } from './schemas/support-assignment.schema.js';

/**
 * The support state as both its stores keep it: support-routing's `support.assignments` (the
 * source) and the room's mirror of it (rooms).
 */
export interface StoredSupportState {
  inbox_id: Types.ObjectId | null;
  contact: SupportContactEntry;
  status: 'open' | 'resolved';
  assignee: Types.ObjectId | null;
  assignment: AssignmentDecision | null;
  first_response_at: Date | null;
  resolved_at: Date | null;
}

/** Stored support state as the API, the listings and `parley.support.updated` show it. */
export function toSupportStateView(state: StoredSupportState): SupportStateView {
  return {
    inbox_id: state.inbox_id?.toHexString() ?? null,
    contact: { ...state.contact },
    status: state.status,
    assignee: state.assignee?.toHexString() ?? null,
    assignment: state.assignment
      ? {
          rule: state.assignment.rule,
          at: state.assignment.at.toISOString(),
          candidates: state.assignment.candidates.map((candidate) => ({
            conversation_id: candidate.conversation_id.toHexString(),
            online: candidate.online,
            open_rooms: candidate.open_rooms,
            capacity: candidate.capacity ?? null,
            passed_because: candidate.passed_because ?? null,
          })),
        }
      : null,
    first_response_at: state.first_response_at?.toISOString() ?? null,
    resolved_at: state.resolved_at?.toISOString() ?? null,
  };
}

/** Candidates as stored: conversation ids as ObjectIds. */
export function storedCandidates(candidates: AssignmentCandidateView[]): AssignmentCandidate[] {
  return candidates.map((candidate) => ({ ...candidate, conversation_id: new Types.ObjectId(candidate.conversation_id) }));
}

/** An assignment as stored, from its view (the room's mirror of an event). */
export function toAssignmentDecision(view: AssignmentView): AssignmentDecision {
  return { rule: view.rule, at: new Date(view.at), candidates: storedCandidates(view.candidates) };
}
