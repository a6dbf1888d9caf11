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
export function startTwilioStandIn(options: { accountSid: string; authToken: string; port?: number }): Promise<StandIn & { accountSid: string; authToken: string; messages: any[] }>;
export function startSendgridStandIn(options: { apiKey: string; port?: number }): Promise<StandIn & { apiKey: string; sent: any[] }>;
