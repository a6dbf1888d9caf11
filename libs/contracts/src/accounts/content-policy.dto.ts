import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable } from '../dto/omittable.js';

/** What happens to one kind of contact detail in a listing message. */
export type ContentRule = 'allow' | 'mask' | 'refuse';
const RULES: ContentRule[] = ['allow', 'mask', 'refuse'];

/** `PUT /v1/accounts/me/content-policy`: what listing messages may carry (a kind left out stays as it was). */
export class ContentPolicyDto {
  @ApiPropertyOptional({ enum: RULES, description: 'Phone numbers in listing messages' })
  @Omittable()
  @IsIn(RULES)
  phones?: ContentRule;

  @ApiPropertyOptional({ enum: RULES, description: 'Email addresses in listing messages' })
  @Omittable()
  @IsIn(RULES)
  emails?: ContentRule;

  @ApiPropertyOptional({ enum: RULES, description: 'Links in listing messages' })
  @Omittable()
  @IsIn(RULES)
  links?: ContentRule;
}

/** An account's content policy. */
export interface ContentPolicyView {
  phones: ContentRule;
  emails: ContentRule;
  links: ContentRule;
  updated: string | null;
}

/** Which kinds a stored listing message had masked. */
export interface MessagePolicyView {
  masked: ('phones' | 'emails' | 'links')[];
}
