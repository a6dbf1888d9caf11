import type { Admin } from 'kafkajs';
import { AllCommandTopics, AllEventTopics, deadLetterTopic, ReplyTopic } from '@parley/contracts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** Every topic Parley uses: events and their dead letters, each app's commands, the replies. */
export function parleyTopics(partitions: number): TopicSpec[] {
  return [
    ...AllEventTopics.map((topic) => ({ topic, numPartitions: partitions })),
    ...AllEventTopics.map((topic) => ({ topic: deadLetterTopic(topic), numPartitions: 1 })),
    ...AllCommandTopics.map((topic) => ({ topic, numPartitions: partitions })),
    { topic: ReplyTopic, numPartitions: partitions },
  ];
}

/**
 * Creates the topics that are missing (the broker does not create topics on use). Safe to run
 * from every app at once: a topic another instance just created counts as there.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
    } catch (error) {
      const alreadyThere = (error as { type?: string; errors?: { type?: string }[] }).errors?.every(
        (item) => item.type === 'TOPIC_ALREADY_EXISTS',
      );
      if (!alreadyThere) throw error;
    }
  }
  await waitForLeaders(admin, topics.map((spec) => spec.topic));
  await waitUntilServed(admin, topics.map((spec) => spec.topic));
  return missing.map((spec) => spec.topic);
}

/**
 * Waits until every partition has a leader: topics another instance created a moment ago may not
 * have one yet, and a consumer that fetches them then gets "not the leader" errors.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics });
    const leaderless = metadata.topics.filter((topic) => topic.partitions.some((partition) => partition.leader < 0));
    if (leaderless.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Kafka topics without a leader: ${leaderless.map((topic) => topic.name).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Waits until the leader of every partition answers for it. With hundreds of new partitions a
 * KRaft broker names itself leader in the metadata seconds before it serves them, and every
 * consumer that starts in between logs a storm of "not the leader" errors while it retries.
 */
async function waitUntilServed(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = topics;
  for (;;) {
    const answers = await Promise.allSettled(pending.map((topic) => admin.fetchTopicOffsets(topic)));
    pending = pending.filter((_, index) => answers[index].status === 'rejected');
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Kafka partitions not served by their leader: ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
