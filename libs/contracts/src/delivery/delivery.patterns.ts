/** Request-reply patterns the outbound-delivery app serves (on `outbound-delivery.commands`). */
export const OutboundDeliveryPatterns = {
  /** A provider's report on an SMS or email (the gateway checked its signature): update its delivery. */
  DeliveryReport: 'outbound-delivery.delivery.report',
} as const;

/** `outbound-delivery.delivery.report`: what a provider said about one of its messages. */
export interface DeliveryReportPayload {
  provider: 'twilio' | 'sendgrid';
  provider_id: string;
  /** The provider's own status word (`delivered`, `undelivered`, `bounce`, ...). */
  provider_status: string;
  error_code?: string | null;
}
