import { describe, expect, it } from '@jest/globals';
import type { Admin } from 'kafkajs';
import { ensureTopics } from './topics.js';

/** The errors kafkajs throws when the broker answers a creation with per-topic errors. */
function creationErrors(...types: string[]): Error {
  return Object.assign(new Error('topic creation errors'), { errors: types.map((type) => ({ type })) });
}

/**
 * A broker whose topics appear (with leaders, served) once `visibleAfter` metadata requests have
 * gone by, as a broker still creating them does; until then its metadata does not know them.
 */
function broker({ existing = [] as string[], createFails = null as Error | null, visibleAfter = 0 } = {}) {
  const created: { topics: { topic: string }[]; waitForLeaders?: boolean; timeout?: number }[] = [];
  let metadataRequests = 0;
  const admin = {
    listTopics: async () => existing,
    createTopics: async (request: (typeof created)[number]) => {
      created.push(request);
      if (createFails) throw createFails;
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      metadataRequests += 1;
      if (metadataRequests <= visibleAfter) throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })) };
    },
    fetchTopicOffsets: async () => [{ partition: 0, offset: '0' }],
  } as unknown as Admin;
  return { admin, created, metadataRequests: () => metadataRequests };
}

const TOPICS = [
  { topic: 'parley.a', numPartitions: 2 },
  { topic: 'parley.b', numPartitions: 2 },
];

describe('ensureTopics', () => {
  it('creates only the missing topics and leaves waiting for their leaders to itself, not to kafkajs’ 10 s', async () => {
    const { admin, created } = broker({ existing: ['parley.a'] });

    expect(await ensureTopics(admin, TOPICS)).toEqual(['parley.b']);

    expect(created).toHaveLength(1);
    expect(created[0].topics.map((spec) => spec.topic)).toEqual(['parley.b']);
    expect(created[0].waitForLeaders).toBe(false);
    expect(created[0].timeout).toBeGreaterThan(5000);
  });

  it('goes on when the broker’s own wait ran out or another instance created a topic first, until the topics are there', async () => {
    const { admin, metadataRequests } = broker({ createFails: creationErrors('REQUEST_TIMED_OUT', 'TOPIC_ALREADY_EXISTS'), visibleAfter: 3 });

    expect(await ensureTopics(admin, TOPICS)).toEqual(['parley.a', 'parley.b']);

    expect(metadataRequests()).toBe(4);
  });

  it('fails on any other creation error', async () => {
    const { admin } = broker({ createFails: creationErrors('TOPIC_ALREADY_EXISTS', 'POLICY_VIOLATION') });

    await expect(ensureTopics(admin, TOPICS)).rejects.toThrow('topic creation errors');
  });
});
