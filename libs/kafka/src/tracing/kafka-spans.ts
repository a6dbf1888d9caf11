import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { CORRELATION_ID_HEADER } from '@parley/contracts';
import { headerText } from '../transport/headers.js';

// OpenTelemetry's messaging conventions (still incubating there, so named here rather than imported).
const SYSTEM = 'messaging.system';
const OPERATION = 'messaging.operation.type';
const DESTINATION = 'messaging.destination.name';
const PARTITION = 'messaging.destination.partition.id';
const GROUP = 'messaging.consumer.group.name';
const OFFSET = 'messaging.kafka.offset';
const KEY = 'messaging.kafka.message.key';

/** What names a span and what it carries, for a command sent or a message handled. */
export interface KafkaSpan {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
}

/**
 * A command sent by the command client: a client span that lasts until the reply (or the timeout),
 * named by the pattern, since one command topic carries every pattern of an app.
 */
export function commandSpan(pattern: string, topic: string, key: string, correlationId: string): KafkaSpan {
  return {
    name: `send ${pattern}`,
    kind: SpanKind.CLIENT,
    attributes: { [SYSTEM]: 'kafka', [OPERATION]: 'send', [DESTINATION]: topic, [KEY]: key, 'parley.pattern': pattern, 'parley.correlation_id': correlationId },
  };
}

/**
 * A message an app handles: a command (a server span, the command client's span its parent) or an
 * event (a consumer span, the span that wrote it to the outbox its parent).
 */
export function handlingSpan(topic: string, partition: number, group: string, pattern: string, command: boolean, message: KafkaMessage): KafkaSpan {
  const attributes: Attributes = {
    [SYSTEM]: 'kafka',
    [OPERATION]: 'process',
    [DESTINATION]: topic,
    [PARTITION]: String(partition),
    [GROUP]: group,
    [OFFSET]: Number(message.offset),
  };
  if (message.key) attributes[KEY] = message.key.toString();
  if (command) attributes['parley.pattern'] = pattern;
  const correlationId = headerText(message, CORRELATION_ID_HEADER);
  if (correlationId !== undefined) attributes['parley.correlation_id'] = correlationId;
  return command
    ? { name: `handle ${pattern}`, kind: SpanKind.SERVER, attributes }
    : { name: `process ${topic}`, kind: SpanKind.CONSUMER, attributes };
}
