/**
 * A provider call that failed, and whether trying again can help: network errors, timeouts, 429 and
 * 5xx are transient; any other 4xx is permanent (the request itself is wrong).
 */
export class ProviderFailure extends Error {
  constructor(
    readonly transient: boolean,
    /** The provider's error code, else the HTTP status, else `network` or `timeout`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /**
   * No answer came (a timeout, a dropped connection): the provider may have taken the message, so
   * the next attempt asks it before sending again.
   */
  get unanswered(): boolean {
    return this.code === 'timeout' || this.code === 'network';
  }

  /** Classifies an HTTP status (null: no answer at all). */
  static fromStatus(status: number | null | undefined, code: string | number | null | undefined, message: string): ProviderFailure {
    if (!status) return new ProviderFailure(true, String(code ?? 'network'), message);
    const transient = status === 429 || status >= 500 || status === 408;
    return new ProviderFailure(transient, String(code ?? status), message);
  }
}

/** What a provider said when it took a message. */
export interface ProviderAccepted {
  providerId: string;
}

/** A file sent with a message: its bytes for an email, a (presigned) URL the provider fetches for an MMS. */
export interface OutboundAttachment {
  name: string;
  contentType: string;
  body?: Buffer;
  url?: string;
}

/** One SMS or email to send. `idempotencyKey` is the message id: it finds an earlier send again. */
export interface OutboundMessage {
  to: string;
  from: string;
  content: string;
  subject?: string;
  /** Email: the Message-ID (without brackets) of the email this answers. */
  inReplyTo?: string;
  attachments?: OutboundAttachment[];
  idempotencyKey: string;
}

/** A provider of one channel: send, and find a message sent before (after a crash mid-call). */
export interface ChannelProvider {
  readonly name: 'twilio' | 'sendgrid';
  send(message: OutboundMessage): Promise<ProviderAccepted>;
  /** The provider's id of a message sent with this key since `since`, or null. */
  findSent(message: OutboundMessage, since: Date): Promise<string | null>;
}
