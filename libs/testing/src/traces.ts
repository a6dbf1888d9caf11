import type { CollectedSpan } from './otlp-collector.mjs';
import { readState } from './apps.js';

export type { CollectedSpan };

/**
 * The spans the apps exported to the run's OTLP collector (test/global-setup.mjs): every span of
 * one trace, or every span that carries one correlation id.
 */
export async function collectedSpans(query: { traceId: string } | { correlationId: string }): Promise<CollectedSpan[]> {
  const { env } = readState();
  const search = 'traceId' in query ? `trace_id=${query.traceId}` : `correlation_id=${encodeURIComponent(query.correlationId)}`;
  const response = await fetch(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/_collector/spans?${search}`);
  if (!response.ok) throw new Error(`the OTLP collector answered ${response.status}`);
  return (await response.json()) as CollectedSpan[];
}
