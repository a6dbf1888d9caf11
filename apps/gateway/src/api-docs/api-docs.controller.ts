import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@parley/auth';
import { ApiErrors } from './api-errors.decorator.js';
import { ApiDocument } from './api-document.js';

@ApiTags('service')
@Controller()
export class ApiDocsController {
  constructor(private readonly document: ApiDocument) {}

  @Public()
  @Get('getPostmanCollection')
  @ApiOperation({ summary: 'The API as a Postman collection (v2.1), made from the OpenAPI document' })
  @ApiOkResponse({ description: 'The collection' })
  @ApiErrors(503)
  // The collection is kept as JSON text: sent as it is, not serialized again per request.
  @Header('Content-Type', 'application/json; charset=utf-8')
  postman(): Promise<string> {
    return this.document.postmanCollection();
  }
}
