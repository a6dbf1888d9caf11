import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable } from '../dto/omittable.js';
import { CONTENT_RULES, type ContentPolicySetPayload, type ContentRule } from './content-policy.views.js';

/** `PUT /v1/accounts/me/content-policy`: what listing messages may carry (a kind left out stays as it was). */
export class ContentPolicyDto implements ContentPolicySetPayload {
  @ApiPropertyOptional({ enum: CONTENT_RULES, description: 'Phone numbers in listing messages' })
  @Omittable()
  @IsIn(CONTENT_RULES)
  phones?: ContentRule;

  @ApiPropertyOptional({ enum: CONTENT_RULES, description: 'Email addresses in listing messages' })
  @Omittable()
  @IsIn(CONTENT_RULES)
  emails?: ContentRule;

  @ApiPropertyOptional({ enum: CONTENT_RULES, description: 'Links in listing messages' })
  @Omittable()
  @IsIn(CONTENT_RULES)
  links?: ContentRule;
}
