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
 * Errors of a topic creation that leave the topic on its way: another instance created it first, or
 * the broker's own wait ran out while it still creates it (a slow day: a few hundred partitions for
 * eight instances starting together on a fresh broker). Whether it is there is what the waits below
 * find out.
 */
const CREATION_UNDER_WAY = new Set(['TOPIC_ALREADY_EXISTS', 'REQUEST_TIMED_OUT']);
/** How long the broker may take over a creation before it answers; under kafkajs' 30 s request timeout. */
const BROKER_CREATE_TIMEOUT_MS = 25_000;
/** How long topics may take to have leaders that serve them, from the start of the wait. */
const SERVED_WITHIN_MS = 60_000;

/**
 * Creates the topics that are missing (the broker does not create topics on use), and waits until
 * every partition is served. Safe to run from every app at once: a topic another instance just
 * created counts as there.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    try {
      // kafkajs' own wait for leaders gives up after 10 s; the ones below are this app's.
      await admin.createTopics({ topics: missing, waitForLeaders: false, timeout: BROKER_CREATE_TIMEOUT_MS });
    } catch (error) {
      const underWay = (error as { errors?: { type?: string }[] }).errors?.every((item) => CREATION_UNDER_WAY.has(item.type ?? ''));
      if (!underWay) throw error;
    }
  }
  const deadline = Date.now() + SERVED_WITHIN_MS;
  await waitForLeaders(admin, topics.map((spec) => spec.topic), deadline);
  await waitUntilServed(admin, topics.map((spec) => spec.topic), deadline);
  return missing.map((spec) => spec.topic);
}

/**
 * Waits until every partition has a leader: topics another instance created a moment ago may not
 * have one yet, and a consumer that fetches them then gets "not the leader" errors.
 */
async function waitForLeaders(admin: Admin, topics: string[], deadline: number): Promise<void> {
  for (;;) {
    let waitingFor: string;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.topics.filter((topic) => topic.partitions.some((partition) => partition.leader < 0));
      if (leaderless.length === 0) return;
      waitingFor = `Kafka topics without a leader: ${leaderless.map((topic) => topic.name).join(', ')}`;
    } catch (error) {
      // A topic the broker is still creating is missing from its metadata for a while.
      waitingFor = `Kafka topics not in the broker's metadata: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) throw new Error(waitingFor);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Waits until the leader of every partition answers for it. With hundreds of new partitions a
 * KRaft broker names itself leader in the metadata seconds before it serves them, and every
 * consumer that starts in between logs a storm of "not the leader" errors while it retries.
 */
async function waitUntilServed(admin: Admin, topics: string[], deadline: number): Promise<void> {
  let pending = topics;
  for (;;) {
    const answers = await Promise.allSettled(pending.map((topic) => admin.fetchTopicOffsets(topic)));
    pending = pending.filter((_, index) => answers[index].status === 'rejected');
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Kafka partitions not served by their leader: ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
