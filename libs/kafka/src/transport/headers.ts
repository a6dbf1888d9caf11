import { KafkaHeaders, type KafkaContext } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';

type HeaderValue = NonNullable<KafkaMessage['headers']>[string];

/** A header as kafkajs gave it (a Buffer, a string or an array of them) as text: its first value. */
function textOf(value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return Buffer.isBuffer(first) ? first.toString() : String(first);
}

/** Reads a header kafkajs gave as a Buffer, a string or an array of them. */
export function headerText(message: Pick<KafkaMessage, 'headers'>, name: string): string | undefined {
  return textOf(message.headers?.[name]);
}

/** Every header of a message as text (see headerText), to copy onto another message or keep. */
export function headersText(message: Pick<KafkaMessage, 'headers'>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = textOf(value);
    if (text !== undefined) headers[name] = text;
  }
  return headers;
}

/**
 * The id of the command being handled: its reply's correlation id, new on every send of a command
 * and the same when Kafka hands that command again (after a crash), so a handler can key its effect by it.
 */
export function commandIdOf(context: KafkaContext): string | undefined {
  return headerText(context.getMessage(), KafkaHeaders.CORRELATION_ID);
}
