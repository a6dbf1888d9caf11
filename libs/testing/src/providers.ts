/** Local stand-ins for Twilio and SendGrid (see provider-stand-ins.mjs), for tests that need their own. */
export { startSendgridStandIn, startTwilioStandIn } from './provider-stand-ins.mjs';
export type { RecordedRequest, StandIn } from './provider-stand-ins.mjs';
