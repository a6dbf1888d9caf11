import type { KafkaMessage } from 'kafkajs';

/** Reads a header kafkajs gave as a Buffer, a string or an array of them. */
export function headerText(message: Pick<KafkaMessage, 'headers'>, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return Buffer.isBuffer(first) ? first.toString() : String(first);
}
