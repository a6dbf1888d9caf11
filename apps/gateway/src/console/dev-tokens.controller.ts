import { Body, Controller, Headers, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@parley/auth';
import { AppError } from '@parley/contracts';
import { fromOwnPage } from '../http/cross-site-cookies.js';
import { DevTokens } from './dev-tokens.service.js';
import { MintDevTokenDto, type DevTokenView } from './mint-dev-token.dto.js';

/**
 * `POST /dev/tokens`: a token for any user and account, for the console's sign-in form. Only
 * registered when DEV_TOKENS is on (never in production); left out of the OpenAPI document so no
 * client generator or contract fuzzer ever learns of it.
 */
@ApiExcludeController()
@Public()
@Controller('dev/tokens')
export class DevTokensController {
  constructor(private readonly devTokens: DevTokens) {}

  /** Only for the console this gateway serves: another site's page (CORS lets it call) gets a 403, not a token. */
  @Post()
  mint(@Body() claims: MintDevTokenDto, @Req() request: Request, @Headers('origin') origin?: string): DevTokenView {
    if (origin !== undefined && !fromOwnPage(request, origin)) {
      throw AppError.forbidden(`POST /dev/tokens answers only the console this gateway serves, not a page of ${origin}`);
    }
    return this.devTokens.mint(claims);
  }
}
