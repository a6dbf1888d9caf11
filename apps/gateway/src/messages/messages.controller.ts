import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, RequireScopes } from '@parley/auth';
import {
  AppError,
  ErrorCodes,
  Limits,
  MessagingPatterns,
  Scopes,
  type Actor,
  type FavoriteMessageView,
  type MessageCreateResult,
  type MessageStateView,
  type Page,
  type ReminderView,
  type MessageHistoryView,
} from '@parley/contracts';
import {
  AttachmentDto,
  CreateMessageDto,
  CreateReminderDto,
  DeleteMessageQueryDto,
  FavoriteMessageSchema,
  ListMessagesQueryDto,
  ForwardPageQueryDto,
  MessageHistorySchema,
  MessageSchema,
  PageQueryDto,
  ReminderSchema,
  UpdateMessageDto,
} from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { GatewayConfig } from '../gateway.config.js';
import { OutboundLimits } from './outbound-limits.js';
import { DeniedAttachmentTypes } from '../attachments/denied-types.js';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { ApiOkPage } from '../api-docs/api-page.decorator.js';
import { MESSAGE_LINKS, REMINDER_LINKS } from '../api-docs/api-links.js';
import { ApiIdParam, IdParamPipe } from '../http/id-param.pipe.js';
import { ApiReactionParam, ReactionParamPipe } from './reaction-param.pipe.js';
import { AttachmentLinksInterceptor } from './attachment-links.interceptor.js';

@ApiTags('messages')
@ApiBearerAuth()
@ApiExtraModels(AttachmentDto)
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.Conversation)
@UseInterceptors(AttachmentLinksInterceptor)
@Controller('v1')
export class MessagesController {
  constructor(
    private readonly commands: CommandClient,
    private readonly config: GatewayConfig,
    private readonly outboundLimits: OutboundLimits,
    private readonly deniedTypes: DeniedAttachmentTypes,
  ) {}

  @Post('rooms/:id/messages')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({
    summary: 'Send a message',
    description:
      'Idempotent on clientMessageId: a retry returns the first message with 201 and the header Idempotent-Replayed: true (409 if that id was used in another room). ' +
      'An attachment larger than ATTACHMENT_MAX_BYTES is a 413 naming it, one of a type ATTACHMENT_DENIED_TYPES refuses (by content_type or by the name\'s extension) a 415 naming it; content the account\'s policy refuses, nothing left once sanitized, a private note outside a support room, a storage_key never uploaded, or a mention of someone who cannot read the room (or any in a listing room) are 422s; ' +
      'sms or email without the channel set up is a 409; past the account\'s SMS or email budget a 429.',
  })
  @ApiCreatedResponse({
    description: 'The stored message',
    type: MessageSchema,
    headers: { 'Idempotent-Replayed': { description: 'true when this is the message a first request with this clientMessageId stored', schema: { type: 'string', enum: ['true'] } } },
    links: MESSAGE_LINKS,
  })
  @ApiErrors(400, 404, 409, 413, 415, 422)
  async create(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: CreateMessageDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageStateView> {
    this.checkAttachments(body);
    if (!body.private) await this.outboundLimits.consume(actor.accountId, body.source);
    const result = await this.commands.send<MessageCreateResult>(
      MessagingPatterns.MessageCreate,
      actor,
      { roomId, ...body },
      { correlationId, key: roomId },
    );
    if (!result.created) response.setHeader('Idempotent-Replayed', 'true');
    response.status(201);
    return result.message as MessageStateView;
  }

  @Get('rooms/:id/messages')
  @ApiIdParam('id', 'Room id')
  @ApiOkPage(MessageSchema, 'A page of messages, newest first')
  @ApiErrors(400, 404, 422)
  @ApiOperation({
    summary: "A room's messages, newest first",
    description:
      'Every page is newest first. `before` pages back in time. `after` (a cursor, or the id of the last message a client saw) ' +
      'and `after_seq` return the `limit` messages right after that point, newest first; follow `previous` to go on forward. ' +
      'At most one of before, after, after_seq and changed_after (a 422 otherwise); an `after` id of no message of the room is a 422. `q` keeps the messages whose text matches. Messages deleted for everyone ' +
      'show `deleted: true` and no content; messages the caller deleted for themselves do not appear. ' +
      '`changed_after` (a `rev`: every message carries the change number of its last change) returns what changed since instead: the `limit` messages stored, edited, deleted or whose ' +
      'delivery or read state moved after it, each as it is now, newest change first (one the caller deleted for themselves as `hidden`, without content: a change in their feed alone); `previous`, passed as `after`, ' +
      'continues, and is the same position again once caught up. A device back from a gap its socket did not recover resumes from the `previous` of its last call, or, before its first, ' +
      'from the highest `rev` of the first page it loaded (not of a push: pushes of edits and of new messages may arrive out of `rev` order). A position past the room\'s last change is a 422.',
  })
  list(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Query() query: ListMessagesQueryDto,
  ): Promise<Page<MessageStateView>> {
    const { after_seq: afterSeq, changed_after: changedAfter, ...rest } = query;
    return this.commands.send(MessagingPatterns.MessageList, actor, { roomId, ...rest, afterSeq, changedAfter }, { correlationId, key: roomId });
  }

  @Get('messages/favorites')
  @ApiOperation({ summary: "The caller's favorite messages, newest favorited first, in rooms they belong to", description: 'At most one of before and after (a 422 otherwise).' })
  @ApiOkPage(FavoriteMessageSchema, 'A page of favorites')
  @ApiErrors(400, 422)
  favorites(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: PageQueryDto): Promise<Page<FavoriteMessageView>> {
    return this.commands.send(MessagingPatterns.FavoriteList, actor, query, { correlationId, key: actor.userId });
  }

  @Get('messages/mentions')
  @ApiOperation({
    summary: 'The messages that mention the caller, newest first, in every room they belong to or work through an inbox',
    description: 'Read or not (a room\'s mention_count counts the unread ones). Deleted messages and those the caller hid are left out. At most one of before and after (a 422 otherwise).',
  })
  @ApiOkPage(MessageSchema, 'A page of messages that mention the caller, newest first')
  @ApiErrors(400, 422)
  mentions(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: PageQueryDto): Promise<Page<MessageStateView>> {
    return this.commands.send(MessagingPatterns.MentionList, actor, query, { correlationId, key: actor.userId });
  }

  @Get('messages/reminders')
  @ApiOperation({
    summary: "The caller's pending reminders, soonest first, in rooms they belong to",
    description: 'Fired and cancelled reminders are not listed. `next` pages on to later ones (as `cursor`).',
  })
  @ApiOkPage(ReminderSchema, 'A page of pending reminders', 'cursor')
  @ApiErrors(400)
  reminders(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ForwardPageQueryDto): Promise<Page<ReminderView>> {
    return this.commands.send(MessagingPatterns.ReminderList, actor, query, { correlationId, key: actor.userId });
  }

  @Get('messages/:id/history')
  @ApiIdParam('id', 'Message id')
  @ApiOperation({ summary: "A message's earlier contents, oldest first (to whoever may read the message; a 404 once it is deleted, for everyone or for the caller)" })
  @ApiOkResponse({ description: 'The history', type: MessageHistorySchema })
  @ApiErrors(400, 404)
  history(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
  ): Promise<MessageHistoryView> {
    return this.commands.send(MessagingPatterns.MessageHistory, actor, { messageId }, { correlationId, key: messageId });
  }

  @Patch('messages/:id')
  @ApiIdParam('id', 'Message id')
  @ApiOperation({
    summary: 'Edit a message (its author only); the replaced content is kept in its history; message_updated',
    description: 'A deleted message, or a listing message (immutable), is a 409; content the account\'s policy refuses, or nothing left once sanitized, a 422.',
  })
  @ApiOkResponse({ description: 'The message', type: MessageSchema, links: MESSAGE_LINKS })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
    @Body() body: UpdateMessageDto,
  ): Promise<MessageStateView> {
    return this.commands.send(MessagingPatterns.MessageUpdate, actor, { messageId, content: body.content }, { correlationId, key: messageId });
  }

  @Delete('messages/:id')
  @HttpCode(204)
  @ApiIdParam('id', 'Message id')
  @ApiErrors(400, 404)
  @ApiOperation({
    summary: 'Delete a message for the caller, or for everyone (author or admin)',
    description: 'Never a hard delete: for everyone, the message stays in place with `deleted: true` and no content. message_deleted.',
  })
  @ApiNoContentResponse({ description: 'Deleted (again: nothing changes)' })
  async remove(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
    @Query() query: DeleteMessageQueryDto,
  ): Promise<void> {
    await this.commands.send(MessagingPatterns.MessageDelete, actor, { messageId, for: query.for ?? 'me' }, { correlationId, key: messageId });
  }

  @Put('messages/:id/favorite')
  @HttpCode(204)
  @ApiIdParam('id', 'Message id')
  @ApiOperation({ summary: "Favorite a message (for the caller; idempotent); 409 for a message deleted for everyone; the caller's devices get message_updated with favorite: true" })
  @ApiNoContentResponse({ description: 'A favorite' })
  @ApiErrors(400, 404, 409)
  async favorite(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) messageId: string): Promise<void> {
    await this.commands.send(MessagingPatterns.FavoriteSet, actor, { messageId, favorite: true }, { correlationId, key: messageId });
  }

  @Delete('messages/:id/favorite')
  @HttpCode(204)
  @ApiIdParam('id', 'Message id')
  @ApiOperation({ summary: "Unfavorite a message (for the caller; idempotent); the caller's devices get message_updated with favorite: false" })
  @ApiNoContentResponse({ description: 'Not a favorite' })
  @ApiErrors(400, 404, 409)
  async unfavorite(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) messageId: string): Promise<void> {
    await this.commands.send(MessagingPatterns.FavoriteSet, actor, { messageId, favorite: false }, { correlationId, key: messageId });
  }

  @Put('messages/:id/reactions/:emoji')
  @ApiIdParam('id', 'Message id')
  @ApiReactionParam()
  @ApiOperation({
    summary: 'React to a message with an emoji (idempotent: once per member and emoji); every device of the room gets message_updated with its reactions',
    description: `A message deleted for everyone, or a listing message (which takes none), is a 409; a new reaction past ${Limits.reactionsPerMessageMax} different ones on a message a 422.`,
  })
  @ApiOkResponse({ description: 'The message, with its reactions', type: MessageSchema, links: MESSAGE_LINKS })
  @ApiErrors(400, 403, 404, 409, 422)
  react(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
    @Param('emoji', new ReactionParamPipe()) emoji: string,
  ): Promise<MessageStateView> {
    return this.commands.send(MessagingPatterns.ReactionSet, actor, { messageId, emoji, reacted: true }, { correlationId, key: messageId });
  }

  @Delete('messages/:id/reactions/:emoji')
  @ApiIdParam('id', 'Message id')
  @ApiReactionParam()
  @ApiOperation({ summary: "Take back the caller's reaction (idempotent); every device of the room gets message_updated with its reactions", description: 'A message deleted for everyone, or a listing message (which takes none), is a 409.' })
  @ApiOkResponse({ description: 'The message, with its reactions', type: MessageSchema, links: MESSAGE_LINKS })
  @ApiErrors(400, 403, 404, 409, 422)
  unreact(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
    @Param('emoji', new ReactionParamPipe()) emoji: string,
  ): Promise<MessageStateView> {
    return this.commands.send(MessagingPatterns.ReactionSet, actor, { messageId, emoji, reacted: false }, { correlationId, key: messageId });
  }

  @Put('messages/:id/pin')
  @ApiIdParam('id', 'Message id')
  @ApiOperation({
    summary: 'Pin a message to its room (idempotent); every device of the room gets message_updated with pinned',
    description: `Any member may pin. A message deleted for everyone, or a listing message, is a 409; a pin past ${Limits.pinsPerRoomMax} in a room a 422.`,
  })
  @ApiOkResponse({ description: 'The message, with pinned', type: MessageSchema, links: MESSAGE_LINKS })
  @ApiErrors(400, 403, 404, 409, 422)
  pin(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) messageId: string): Promise<MessageStateView> {
    return this.commands.send(MessagingPatterns.PinSet, actor, { messageId, pinned: true }, { correlationId, key: messageId });
  }

  @Delete('messages/:id/pin')
  @ApiIdParam('id', 'Message id')
  @ApiOperation({
    summary: 'Unpin a message (idempotent; any member may); every device of the room gets message_updated without pinned',
    description: 'A message deleted for everyone lost its pin with it: unpinning it answers it as it is. A listing message is a 409.',
  })
  @ApiOkResponse({ description: 'The message, without pinned', type: MessageSchema, links: MESSAGE_LINKS })
  @ApiErrors(400, 403, 404, 409)
  unpin(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) messageId: string): Promise<MessageStateView> {
    return this.commands.send(MessagingPatterns.PinSet, actor, { messageId, pinned: false }, { correlationId, key: messageId });
  }

  @Get('rooms/:id/pins')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({
    summary: "A room's pinned messages, newest pinned first",
    description: `Only messages the caller may read, not deleted; a room holds at most ${Limits.pinsPerRoomMax}. At most one of before and after (a 422 otherwise).`,
  })
  @ApiOkPage(MessageSchema, 'A page of pinned messages')
  @ApiErrors(400, 403, 404, 422)
  pins(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string, @Query() query: PageQueryDto): Promise<Page<MessageStateView>> {
    return this.commands.send(MessagingPatterns.PinList, actor, { roomId, ...query }, { correlationId, key: roomId });
  }

  @Post('messages/:id/reminders')
  @ApiIdParam('id', 'Message id')
  @ApiOperation({
    summary: 'Be reminded of a message at a time: reminder_due on every device and a parley.reminder.due event, once',
    description: 'A time already past, or more than five years away, is a 422; a deleted message a 409. A reminder of a room its owner has left is cancelled, not fired.',
  })
  @ApiCreatedResponse({ description: 'The pending reminder', type: ReminderSchema, links: REMINDER_LINKS })
  @ApiErrors(400, 404, 409, 413, 422)
  createReminder(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
    @Body() body: CreateReminderDto,
  ): Promise<ReminderView> {
    return this.commands.send(MessagingPatterns.ReminderCreate, actor, { messageId, at: body.at }, { correlationId, key: messageId });
  }

  @Delete('messages/:id/reminders/:reminderId')
  @HttpCode(204)
  @ApiIdParam('id', 'Message id')
  @ApiIdParam('reminderId', 'Reminder id')
  @ApiOperation({ summary: 'Cancel one of the caller’s reminders: it never fires (409 if it already did)' })
  @ApiNoContentResponse({ description: 'Cancelled' })
  @ApiErrors(400, 404, 409)
  async removeReminder(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) messageId: string,
    @Param('reminderId', new IdParamPipe('reminderId')) reminderId: string,
  ): Promise<void> {
    await this.commands.send(MessagingPatterns.ReminderDelete, actor, { messageId, reminderId }, { correlationId, key: messageId });
  }

  /** An attachment over the configured size is a 413 naming it (`attachments.<i>.size`). */
  /**
   * Attachments over the size limit (413), and linked files of a type ATTACHMENT_DENIED_TYPES refuses
   * (415, as an upload of one is: the rule holds however the file comes), each named.
   */
  private checkAttachments(body: CreateMessageDto): void {
    const limit = this.config.ATTACHMENT_MAX_BYTES;
    const attachments = body.attachments ?? [];
    const details = attachments.flatMap((attachment, index) =>
      (attachment.size ?? 0) > limit
        ? [{ field: `attachments.${index}.size`, messages: [`attachments.${index}.size must be at most ${limit} bytes`] }]
        : [],
    );
    if (details.length > 0) {
      throw new AppError(ErrorCodes.PayloadTooLarge, 413, details.map((detail) => detail.messages[0]).join('; '), details);
    }
    attachments.forEach((attachment, index) => {
      const denied = this.deniedTypes.deniedEntry(attachment.content_type ?? '', attachment.name);
      if (!denied) return;
      const field = `attachments.${index}.${denied.by}`;
      throw AppError.unsupportedMediaType(field, `${field}: a file of type ${denied.type} is not accepted for attachments`);
    });
  }
}
