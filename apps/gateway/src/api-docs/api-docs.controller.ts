import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@parley/auth';
import { ApiDocument } from './api-document.js';

@ApiTags('service')
@Controller()
export class ApiDocsController {
  constructor(private readonly document: ApiDocument) {}

  @Public()
  @Get('getPostmanCollection')
  @ApiOperation({ summary: 'The API as a Postman collection (v2.1), made from the OpenAPI document' })
  postman(): Promise<unknown> {
    return this.document.postmanCollection();
  }
}
