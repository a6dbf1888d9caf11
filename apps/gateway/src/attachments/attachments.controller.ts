import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { AppError, Scopes, type Actor, type AttachmentUploadView } from '@parley/contracts';
import { AttachmentUploadSchema, CreateAttachmentUploadDto } from '@parley/contracts/http';
import { newStorageKey, ObjectStorage, uploaderTag } from '@parley/storage';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { GatewayConfig } from '../gateway.config.js';
import { DeniedAttachmentTypes } from './denied-types.js';

@ApiTags('attachments')
@ApiBearerAuth()
@ApiErrors(401, 403)
@RequireScopes(Scopes.Conversation)
@Controller('v1/attachments')
export class AttachmentsController {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly config: GatewayConfig,
    private readonly deniedTypes: DeniedAttachmentTypes,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Presign the upload of an attachment',
    description:
      'Returns a URL to PUT the file to, in the account\'s part of the storage, with the headers to send. The storage checks the signature: the body must be exactly `size` bytes of `content_type`, before `expires_at`, and the URL writes once (a second upload is refused with 412). Reference `storage_key` in a message\'s attachments afterwards.',
  })
  @ApiCreatedResponse({ description: 'Where and how to upload', type: AttachmentUploadSchema })
  @ApiErrors(400, 413, 415)
  async presignUpload(@CurrentActor() actor: Actor, @Body() body: CreateAttachmentUploadDto): Promise<AttachmentUploadView> {
    const limit = this.config.ATTACHMENT_MAX_BYTES;
    if (body.size > limit) throw AppError.payloadTooLarge('size', `size must be at most ${limit} bytes`);
    const denied = this.deniedTypes.deniedEntry(body.content_type, body.name);
    if (denied?.by === 'name') throw AppError.unsupportedMediaType('name', `name ${body.name} is a file of type ${denied.type}, which is not accepted for attachments`);
    if (denied) throw AppError.unsupportedMediaType('content_type', `content_type ${denied.type} is not accepted for attachments`);
    const key = newStorageKey(actor.accountId, body.name);
    const upload = await this.storage.presignPut(key, body.content_type, body.size, this.config.ATTACHMENT_UPLOAD_EXPIRES_SECONDS, uploaderTag(actor.accountId, actor.userId));
    return { storage_key: key, upload_url: upload.url, method: upload.method, headers: upload.headers, expires_at: upload.expiresAt.toISOString() };
  }
}
