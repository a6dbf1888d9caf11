// Twilio and SendGrid for a local system. Neither can be reached without an account (nor at all
// from a machine without internet), so `npm start` and the e2e tests point the official SDKs at the
// stand-ins in libs/testing, which answer as the providers' APIs do and record what they were sent.
// `npm start` starts one for each provider whose credentials it was not given.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { startSendgridStandIn, startTwilioStandIn } from '../../libs/testing/src/provider-stand-ins.mjs';

/**
 * Starts the stand-ins of `twilio` and `sendgrid` (each when true) and answers the apps' settings
 * for them: credentials, base URLs, the inbound email secret, the key SendGrid's event webhook is
 * checked with, and `PUBLIC_URL` (the gateway's address, which Twilio's signatures cover).
 * With `callbacks`, the stand-ins post signed delivery reports back to the gateway, as the
 * providers do. `sendgridEventKeyPem` is the private half of the event webhook's key, for whoever
 * signs events as SendGrid (the tests); it is not an app setting. `twilio` and `sendgrid` are the
 * stand-ins (null when not started), with what they were sent.
 */
export async function startProviderStandIns({ publicUrl, twilio = true, sendgrid = true, callbacks = false, ports = {} }) {
  const started = [];
  const env = { PUBLIC_URL: publicUrl };
  let sendgridEventKeyPem = null;
  let twilioStandIn = null;
  let sendgridStandIn = null;
  try {
    if (twilio) {
      twilioStandIn = await startTwilioStandIn({ accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), port: ports.twilio, callbacks });
      started.push(twilioStandIn);
      Object.assign(env, { TWILIO_ACCOUNT_SID: twilioStandIn.accountSid, TWILIO_AUTH_TOKEN: twilioStandIn.authToken, TWILIO_BASE_URL: twilioStandIn.url });
    }
    if (sendgrid) {
      // SendGrid signs its event webhook with a P-256 key; the gateway checks with the public half.
      const eventKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      sendgridEventKeyPem = eventKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      sendgridStandIn = await startSendgridStandIn({
        apiKey: `SG.${randomBytes(16).toString('hex')}`,
        port: ports.sendgrid,
        callbacks: callbacks ? { eventWebhookUrl: `${publicUrl}/webhooks/sendgrid/events`, privateKeyPem: sendgridEventKeyPem } : null,
      });
      started.push(sendgridStandIn);
      Object.assign(env, {
        SENDGRID_API_KEY: sendgridStandIn.apiKey,
        SENDGRID_BASE_URL: sendgridStandIn.url,
        SENDGRID_WEBHOOK_PUBLIC_KEY: eventKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
        INBOUND_EMAIL_SECRET: randomBytes(12).toString('hex'),
      });
    }
  } catch (error) {
    await Promise.allSettled(started.map((standIn) => standIn.close()));
    throw error;
  }
  return {
    env,
    sendgridEventKeyPem,
    twilio: twilioStandIn,
    sendgrid: sendgridStandIn,
    close: () => Promise.allSettled(started.map((standIn) => standIn.close())).then(() => undefined),
  };
}
