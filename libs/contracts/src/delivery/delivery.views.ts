/** The channels a message can leave by besides the chat. */
export type DeliveryChannel = 'sms' | 'email';

/** Where an SMS or email stands: `queued` until the provider took it, then `sent`, `delivered` or `failed`. */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed';

/** A message's SMS or email delivery, as the message shows it. */
export interface DeliveryView {
  channel: DeliveryChannel;
  status: DeliveryStatus;
  /** The provider's id of the SMS (Twilio `SM…`) or email (SendGrid `X-Message-Id`). */
  provider_id: string | null;
  /** The provider's error code when it failed (Twilio's numeric code, an HTTP status, or `network`). */
  error_code: string | null;
  updated_at: string;
}

/** What a `parley.delivery.requested` event carries (version 1): one message to send by SMS or email. */
export interface DeliveryRequestedData {
  room_id: string;
  message_id: string;
  channel: DeliveryChannel;
  /** The contact's number (E.164) or address. */
  to: string;
  /** The inbox's number or address. */
  from: string;
  content: string;
  /** Email only. */
  subject?: string;
  /** Email only: the Message-ID of the contact's email this answers, so it joins their thread (In-Reply-To, References). */
  in_reply_to?: string;
  /** Stored files to send with it: attached to an email, linked (presigned) in an MMS. */
  attachments?: { name: string; content_type: string; storage_key: string }[];
}

/** What a `parley.delivery.status` event carries (version 1): where one message's delivery stands now. */
export interface DeliveryStatusData {
  room_id: string;
  message_id: string;
  channel: DeliveryChannel;
  status: DeliveryStatus;
  provider_id: string | null;
  error_code: string | null;
  at: string;
}
