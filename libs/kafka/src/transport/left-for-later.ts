/**
 * Messages whose handler asked to have them again later, with how long to wait: the one channel
 * from a handler (through EventConsumer, under Nest's exception filter) to the transport that runs it.
 */
const leftForLater = new WeakMap<object, number>();

/** Marks the message being handled to be fetched again in `delayMs` rather than count as handled. */
export function leaveForLater(message: object, delayMs: number): void {
  leftForLater.set(message, Math.max(0, delayMs));
}

/** How long to wait before fetching the message again (and forgets it); undefined when it was handled. */
export function takeLeftForLater(message: object): number | undefined {
  const delayMs = leftForLater.get(message);
  leftForLater.delete(message);
  return delayMs;
}

/** Whether the message being handled was left for later, without forgetting it (the transport takes it). */
export function isLeftForLater(message: object): boolean {
  return leftForLater.has(message);
}
