/** Types of otlp-collector.mjs, for the TypeScript that imports it. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The exporting app's service.name. */
  service: string;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  start: string;
  end: string;
}
export function startOtlpCollector(options?: { port?: number }): Promise<{ url: string; close(): Promise<void> }>;
