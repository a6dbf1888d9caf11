import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import {
  Limits,
  MessagingPatterns,
  nameAsRead,
  RoomsPatterns,
  Scopes,
  SupportPatterns,
  type Actor,
  type AttachmentView,
  type InboundRouteResult,
  type MessageCreateResult,
  type RoomView,
} from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { ObjectStorage, storageKeyFor } from '@parley/storage';
import { DeniedAttachmentTypes } from '../attachments/denied-types.js';

/** A file that came with an inbound message: its bytes (email) or where the provider keeps it (MMS). */
export interface InboundFile {
  name: string;
  contentType: string;
  body?: Buffer;
  /** MMS media: fetched with the provider's credentials when `auth` is given. */
  url?: string;
  auth?: string;
}

/** An SMS or email as a provider's webhook delivered it, its signature checked. */
export interface InboundMessage {
  channel: 'sms' | 'email';
  /** The account the webhook's URL names, if it names one. */
  accountId?: string;
  to: string;
  from: string;
  fromName?: string;
  externalId: string;
  content: string;
  subject?: string;
  files?: InboundFile[];
}

/**
 * Turns an inbound SMS or email into a contact's message in their open support room, through the
 * same path as `POST /v1/support/rooms`: the inbox that owns the address (support-routing), the
 * contact's open room or a new routed one (rooms), the message (messaging, idempotent on the
 * provider's id, so a provider's retry stores nothing new). An address no inbox owns goes to the
 * account's default inbound conversation for the channel, as its direct room with the contact;
 * with none, support-routing keeps it as unrouted. Resolves once everything is stored, so the provider is answered 200
 * only for what will not be lost. A file of a type ATTACHMENT_DENIED_TYPES refuses is left out (and
 * logged): customers are the less trusted side, and refusing the whole message would lose their text.
 */
@Injectable()
export class InboundMessagesService {
  constructor(
    private readonly commands: CommandClient,
    private readonly storage: ObjectStorage,
    private readonly deniedTypes: DeniedAttachmentTypes,
    @InjectPinoLogger(InboundMessagesService.name) private readonly logger: PinoLogger,
  ) {}

  async receive(inbound: InboundMessage, correlationId: string): Promise<{ routed: boolean; roomId?: string; messageId?: string }> {
    const webhook: Actor = { userId: `webhook:${inbound.channel}`, accountId: inbound.accountId ?? '', scopes: [Scopes.Support] };
    const route = await this.commands.send<InboundRouteResult>(
      SupportPatterns.InboundRoute,
      webhook,
      { channel: inbound.channel, to: inbound.to, from: inbound.from, external_id: inbound.externalId, content: inbound.content, subject: inbound.subject },
      { correlationId, key: inbound.from },
    );
    const accountId = route.inbox?.account_id ?? route.default_conversation?.account_id;
    if (!accountId) return { routed: false };
    const actor: Actor = { ...webhook, accountId };
    const contact = inbound.channel === 'sms' ? { phone: inbound.from } : { email: inbound.from, ...this.senderName(inbound) };
    const opened = route.inbox
      ? await this.commands.send<{ created: boolean; room: RoomView }>(
          RoomsPatterns.SupportRoomOpen,
          actor,
          { inbox_id: route.inbox.id, contact, written_to: { channel: inbound.channel, address: inbound.to } },
          { correlationId, key: inbound.from },
        )
      : await this.commands.send<{ created: boolean; room: RoomView }>(
          RoomsPatterns.DirectContactRoomOpen,
          actor,
          { conversation_id: route.default_conversation?.id, contact, reply_from: inbound.to },
          { correlationId, key: inbound.from },
        );
    const attachments = await this.copyFiles(accountId, inbound);
    const stored = await this.commands.send<MessageCreateResult>(
      MessagingPatterns.MessageCreateFromContact,
      actor,
      {
        roomId: opened.room.id,
        content: inbound.content,
        source: inbound.channel,
        externalId: inbound.externalId,
        ...(inbound.subject ? { subject: inbound.subject } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      },
      { correlationId, key: opened.room.id },
    );
    return { routed: true, roomId: opened.room.id, messageId: stored.message.id };
  }

  /**
   * The display name of an email's sender, as the contact's name, when it reads as a name: one that
   * shows nothing or holds control characters is left out (the address names the contact), since
   * refusing the webhook would lose the customer's message.
   */
  private senderName(inbound: InboundMessage): { name?: string } {
    if (!inbound.fromName) return {};
    const { name, problem } = nameAsRead(inbound.fromName);
    if (!problem) return { name };
    this.logger.warn({ channel: inbound.channel, externalId: inbound.externalId, problem }, 'inbound sender name left out: it cannot be shown as a name; the contact goes by the address');
    return {};
  }

  /**
   * Copies an inbound message's files into the bucket under keys made from the provider's message
   * id, so a provider's retry writes the same objects again rather than new ones. A denied file is
   * neither fetched nor stored.
   */
  private async copyFiles(accountId: string, inbound: InboundMessage): Promise<AttachmentView[]> {
    const files = (inbound.files ?? []).slice(0, Limits.attachmentsMax);
    const copied = await Promise.all(
      files.map(async (file, index): Promise<AttachmentView | null> => {
        const denied = this.deniedTypes.deniedEntry(file.contentType, file.name);
        if (denied) {
          this.logger.warn(
            { accountId, channel: inbound.channel, externalId: inbound.externalId, file: file.name, contentType: denied.type, deniedBy: denied.by, rule: 'ATTACHMENT_DENIED_TYPES' },
            'inbound attachment dropped: its media type (declared, or its name\'s) is in ATTACHMENT_DENIED_TYPES; the message is stored without it',
          );
          return null;
        }
        const body = file.body ?? (await this.fetchMedia(file));
        const key = storageKeyFor(accountId, stableUuid(`${inbound.channel}:${inbound.externalId}:${index}`), file.name);
        await this.storage.put(key, body, file.contentType);
        return { name: file.name, size: body.length, content_type: file.contentType, storage_key: key };
      }),
    );
    return copied.filter((attachment) => attachment !== null);
  }

  private async fetchMedia(file: InboundFile): Promise<Buffer> {
    const response = await fetch(file.url as string, { headers: file.auth ? { authorization: file.auth } : {}, signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`media ${file.url} answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
}

/** A UUID derived from a name: the same name, the same UUID. */
function stableUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
