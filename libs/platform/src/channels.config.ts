import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Min } from 'class-validator';
import { PlatformConfig } from './config.js';

const url = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConfigClass = new (...args: any[]) => PlatformConfig;

/**
 * Adds the SMS (Twilio) and email (SendGrid) settings to an app's config class, for the apps that
 * send, receive or check them (gateway, messaging, outbound-delivery; the gateway's config already
 * extends the authenticated one, hence a mixin). A channel is on when its credentials are set. The
 * base URLs point the official SDKs at any compatible endpoint (a stand-in in tests).
 */
export function withChannels<TBase extends ConfigClass>(Base: TBase) {
  class ChannelsConfig extends Base {
    @IsOptional()
    @IsString()
    TWILIO_ACCOUNT_SID?: string;

    @IsOptional()
    @IsString()
    TWILIO_AUTH_TOKEN?: string;

    @IsUrl(url)
    TWILIO_BASE_URL = 'https://api.twilio.com';

    @IsOptional()
    @IsString()
    SENDGRID_API_KEY?: string;

    @IsUrl(url)
    SENDGRID_BASE_URL = 'https://api.sendgrid.com';

    /** The public key (base64 DER) of SendGrid's signed event webhook; unset: event webhooks are refused. */
    @IsOptional()
    @IsString()
    SENDGRID_WEBHOOK_PUBLIC_KEY?: string;

    /** The secret Inbound Parse must carry in its URL's query (`?secret=`); unset: inbound email is refused. */
    @IsOptional()
    @IsString()
    INBOUND_EMAIL_SECRET?: string;

    /** The gateway's public URL, as Twilio calls it: what Twilio signs (PUBLIC_URL + path). */
    @IsOptional()
    @IsUrl(url)
    PUBLIC_URL?: string;

    /** Outbound SMS per account per minute (429 past it). */
    @Transform(({ value }) => Number(value))
    @IsInt()
    @Min(1)
    SMS_PER_MINUTE = 60;

    /** Outbound email per account per minute (429 past it). */
    @Transform(({ value }) => Number(value))
    @IsInt()
    @Min(1)
    EMAIL_PER_MINUTE = 120;

    /** Whether SMS can go out and come in: Twilio's credentials are set. */
    get smsEnabled(): boolean {
      return !!this.TWILIO_ACCOUNT_SID && !!this.TWILIO_AUTH_TOKEN;
    }

    /** Whether email can go out: SendGrid's key is set. */
    get emailEnabled(): boolean {
      return !!this.SENDGRID_API_KEY;
    }
  }
  return ChannelsConfig;
}

/** The channel settings on their own, for apps whose config needs nothing else of a kind. */
export const ChannelsConfig = withChannels(PlatformConfig);
export type ChannelsConfig = InstanceType<typeof ChannelsConfig>;
