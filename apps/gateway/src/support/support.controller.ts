import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, RequireScopes } from '@parley/auth';
import {
  MessagingPatterns,
  RoomsPatterns,
  Scopes,
  SupportPatterns,
  type Actor,
  type InboxStatsView,
  type InboxView,
  type MessageCreateResult,
  type MessageView,
  type Page,
  type RoomView,
  type SupportRoomView,
  type UnroutedInboundView,
} from '@parley/contracts';
import {
  AddInboxMemberDto,
  AssignSupportRoomDto,
  CreateInboxDto,
  InboxSchema,
  InboxStatsSchema,
  ListSupportRoomsQueryDto,
  OpenedSupportRoomSchema,
  OpenSupportRoomDto,
  SupportContactDto,
  SupportRoomSchema,
  UnroutedInboundSchema,
  UpdateInboxDto,
} from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { ApiOkPage } from '../api-docs/api-page.decorator.js';
import { INBOX_LINKS, SUPPORT_ROOM_LINKS } from '../api-docs/api-links.js';
import { ApiIdParam, IdParamPipe } from '../http/id-param.pipe.js';
import { NonEmptyBody } from '../http/non-empty-body.js';
import { AttachmentLinksInterceptor } from '../messages/attachment-links.interceptor.js';

@ApiTags('support')
@ApiBearerAuth()
@ApiExtraModels(SupportContactDto)
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.Support)
@UseInterceptors(AttachmentLinksInterceptor)
@Controller('v1/support')
export class SupportController {
  constructor(private readonly commands: CommandClient) {}

  @Post('inboxes')
  @RequireScopes(Scopes.Admin)
  @ApiOperation({ summary: 'Create a support inbox (admins): its team, capacity and channels', description: '409 when the name is taken in the account, or a number or an address by any inbox (of any account: it is what inbound SMS and email are routed by).' })
  @ApiCreatedResponse({ description: 'The inbox', type: InboxSchema, links: INBOX_LINKS })
  @ApiErrors(400, 409, 413, 422)
  createInbox(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: CreateInboxDto): Promise<InboxView> {
    return this.commands.send(SupportPatterns.InboxCreate, actor, body, { correlationId, key: actor.accountId });
  }

  @Get('inboxes')
  @ApiOperation({ summary: "The account's support inboxes" })
  @ApiOkPage(InboxSchema, "The account's inboxes", 'none')
  listInboxes(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<Page<InboxView>> {
    return this.commands.send(SupportPatterns.InboxList, actor, {}, { correlationId, key: actor.accountId });
  }

  @Get('inboxes/:id')
  @ApiIdParam('id', 'Inbox id')
  @ApiOperation({ summary: 'An inbox of the account' })
  @ApiOkResponse({ description: 'The inbox', type: InboxSchema })
  @ApiErrors(400, 404)
  getInbox(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) inboxId: string): Promise<InboxView> {
    return this.commands.send(SupportPatterns.InboxGet, actor, { inboxId }, { correlationId, key: inboxId });
  }

  @Patch('inboxes/:id')
  @RequireScopes(Scopes.Admin)
  @ApiIdParam('id', 'Inbox id')
  @ApiOperation({
    summary: 'Rename an inbox, change its capacity or channels (admins); more capacity assigns waiting rooms',
    description: 'Each field is optional; a body that sets none (or no body) is a 400 naming `body`. 409 when the name is taken in the account, or a number or an address by any inbox (of any account: it is what inbound SMS and email are routed by).',
  })
  @NonEmptyBody(UpdateInboxDto)
  @ApiOkResponse({ description: 'The inbox', type: InboxSchema, links: INBOX_LINKS })
  @ApiErrors(400, 404, 409, 413, 422)
  updateInbox(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) inboxId: string,
    @Body() body: UpdateInboxDto,
  ): Promise<InboxView> {
    return this.commands.send(SupportPatterns.InboxUpdate, actor, { inboxId, ...body }, { correlationId, key: inboxId });
  }

  @Delete('inboxes/:id')
  @HttpCode(204)
  @RequireScopes(Scopes.Admin)
  @ApiIdParam('id', 'Inbox id')
  @ApiOperation({ summary: 'Delete an inbox (admins; soft): it takes no new rooms' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async deleteInbox(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) inboxId: string): Promise<void> {
    await this.commands.send(SupportPatterns.InboxDelete, actor, { inboxId }, { correlationId, key: inboxId });
  }

  @Post('inboxes/:id/members')
  @HttpCode(200)
  @RequireScopes(Scopes.Admin)
  @ApiIdParam('id', 'Inbox id')
  @ApiOperation({ summary: "Add a team member to an inbox, or change their capacity (admins); waiting rooms may go to them at once" })
  @ApiOkResponse({ description: 'The inbox', type: InboxSchema })
  @ApiErrors(400, 404, 413, 422)
  addMember(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) inboxId: string,
    @Body() body: AddInboxMemberDto,
  ): Promise<InboxView> {
    return this.commands.send(SupportPatterns.InboxAddMember, actor, { inboxId, ...body }, { correlationId, key: inboxId });
  }

  @Delete('inboxes/:id/members/:conversationId')
  @RequireScopes(Scopes.Admin)
  @ApiIdParam('id', 'Inbox id')
  @ApiIdParam('conversationId', 'Conversation id of the member')
  @ApiOperation({ summary: 'Remove a member from an inbox (admins); the open rooms they held are routed again' })
  @ApiOkResponse({ description: 'The inbox', type: InboxSchema })
  @ApiErrors(400, 404)
  removeMember(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) inboxId: string,
    @Param('conversationId', new IdParamPipe('conversationId')) conversationId: string,
  ): Promise<InboxView> {
    return this.commands.send(SupportPatterns.InboxRemoveMember, actor, { inboxId, conversationId }, { correlationId, key: inboxId });
  }

  @Get('inboxes/:id/stats')
  @ApiIdParam('id', 'Inbox id')
  @ApiOperation({ summary: 'Open, waiting and resolved rooms of an inbox, with median and p90 first response and resolution times' })
  @ApiOkResponse({ description: 'The counts and times', type: InboxStatsSchema })
  @ApiErrors(400, 404)
  stats(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) inboxId: string): Promise<InboxStatsView> {
    return this.commands.send(SupportPatterns.InboxStats, actor, { inboxId }, { correlationId, key: inboxId });
  }

  @Post('rooms')
  @ApiOperation({
    summary: "Open a support room for a contact (or use their open one) with the contact's message",
    description: 'One open support room per contact: a second call while one is open returns it (200) and adds the message to it. The room is routed to a member of the inbox; its support state says who and why. Admins open in any inbox; other callers only in an inbox they are a member of, and only if the contact has no open room in an inbox they are not (403).',
  })
  @ApiCreatedResponse({ description: 'A room was opened', type: OpenedSupportRoomSchema, links: SUPPORT_ROOM_LINKS })
  @ApiOkResponse({ description: "The contact's open room", type: OpenedSupportRoomSchema, links: SUPPORT_ROOM_LINKS })
  @ApiErrors(400, 403, 409, 413, 422)
  async openRoom(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Body() body: OpenSupportRoomDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RoomView & { message?: MessageView }> {
    const opened = await this.commands.send<{ created: boolean; room: RoomView }>(
      RoomsPatterns.SupportRoomOpen,
      actor,
      { inbox_id: body.inbox_id, contact: body.contact },
      // Opens for one contact run in order (one room for them); different contacts open at once.
      { correlationId, key: body.contact.id ?? body.contact.phone ?? body.contact.email ?? body.inbox_id },
    );
    response.status(opened.created ? 201 : 200);
    if (body.content === undefined) return opened.room;
    const stored = await this.commands.send<MessageCreateResult>(
      MessagingPatterns.MessageCreateFromContact,
      actor,
      { roomId: opened.room.id, content: body.content, source: 'chat' },
      { correlationId, key: opened.room.id },
    );
    return { ...opened.room, last_message_id: stored.message.id, last_message_at: stored.message.created, last_activity: stored.message.created, message: stored.message };
  }

  @Get('unrouted')
  @RequireScopes(Scopes.Admin)
  @ApiOperation({ summary: "Inbound SMS and email to the account's webhooks that no inbox owned (admins), newest first" })
  @ApiOkPage(UnroutedInboundSchema, 'Unrouted inbound messages, newest first', 'none')
  unrouted(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<Page<UnroutedInboundView>> {
    return this.commands.send(SupportPatterns.UnroutedList, actor, {}, { correlationId, key: actor.accountId });
  }

  @Get('rooms')
  @ApiOperation({ summary: 'Support rooms of the inboxes the caller works (every inbox for admins), newest activity first' })
  @ApiOkPage(SupportRoomSchema, 'Support rooms, newest activity first', 'cursor')
  @ApiErrors(400, 422)
  listRooms(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ListSupportRoomsQueryDto): Promise<Page<SupportRoomView>> {
    return this.commands.send(SupportPatterns.RoomList, actor, query, { correlationId, key: actor.accountId });
  }

  @Post('rooms/:id/assign')
  @HttpCode(200)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Assign a support room to a member of its inbox by hand (idempotent; 409 when resolved; 422 for someone not in the inbox)' })
  @ApiOkResponse({ description: 'The support room', type: SupportRoomSchema, links: SUPPORT_ROOM_LINKS })
  @ApiErrors(400, 404, 409, 413, 422)
  assign(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: AssignSupportRoomDto,
  ): Promise<SupportRoomView> {
    return this.commands.send(SupportPatterns.RoomAssign, actor, { roomId, conversationId: body.conversationId }, { correlationId, key: roomId });
  }

  @Post('rooms/:id/resolve')
  @HttpCode(200)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: "Resolve a support room (idempotent); its assignee's capacity frees for waiting rooms" })
  @ApiOkResponse({ description: 'The support room', type: SupportRoomSchema, links: SUPPORT_ROOM_LINKS })
  @ApiErrors(400, 404, 409)
  resolve(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<SupportRoomView> {
    return this.commands.send(SupportPatterns.RoomResolve, actor, { roomId }, { correlationId, key: roomId });
  }

  @Post('rooms/:id/reopen')
  @HttpCode(200)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({
    summary: 'Reopen a resolved support room (idempotent); routed again if its assignee is gone or at capacity',
    description: '409 when its contact has another open room (they wrote again since it was resolved): one open room per contact.',
  })
  @ApiOkResponse({ description: 'The support room', type: SupportRoomSchema, links: SUPPORT_ROOM_LINKS })
  @ApiErrors(400, 404, 409)
  reopen(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<SupportRoomView> {
    return this.commands.send(SupportPatterns.RoomReopen, actor, { roomId }, { correlationId, key: roomId });
  }
}
