import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@parley/auth';
import { GatewayConfig } from '../gateway.config.js';
import { ApiErrors } from './api-errors.decorator.js';
import { ApiDocument } from './api-document.js';

@ApiTags('service')
@Controller()
export class ApiDocsController {
  constructor(
    private readonly document: ApiDocument,
    private readonly config: GatewayConfig,
  ) {}

  @Public()
  @Get('getPostmanCollection')
  @ApiOperation({
    summary: 'The API as a Postman collection (v2.1), made from the OpenAPI document',
    description: 'Its `baseUrl` variable is PUBLIC_URL when set, else the origin the collection was fetched from; `bearerToken` is declared empty, for a token.',
  })
  @ApiOkResponse({ description: 'The collection' })
  @ApiErrors(503)
  // The collection is kept as JSON text: sent as it is, not serialized again per request.
  @Header('Content-Type', 'application/json; charset=utf-8')
  postman(@Req() request: Request): Promise<string> {
    return this.document.postmanCollection(this.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.get('host') ?? `localhost:${this.config.GATEWAY_PORT}`}`);
  }
}
