/** Types of provider-stand-ins.mjs, for the TypeScript that imports it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  at: string;
}
export interface StandIn {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
/** `callbacks`: post signed `sent` and `delivered` to each message's StatusCallback, as Twilio does. */
export function startTwilioStandIn(options: { accountSid: string; authToken: string; port?: number; callbacks?: boolean }): Promise<StandIn & { accountSid: string; authToken: string; messages: any[] }>;
/** `callbacks`: post signed `processed` and `delivered` events of each mail to the event webhook, as SendGrid does. */
export function startSendgridStandIn(options: {
  apiKey: string;
  port?: number;
  callbacks?: { eventWebhookUrl: string; privateKeyPem: string } | null;
}): Promise<StandIn & { apiKey: string; sent: any[] }>;
