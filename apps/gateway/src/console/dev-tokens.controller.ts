import { Body, Controller, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@parley/auth';
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

  @Post()
  mint(@Body() claims: MintDevTokenDto): DevTokenView {
    return this.devTokens.mint(claims);
  }
}
