import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Scopes } from '@parley/contracts';

// Ids as an identity provider would hand them out: short, printable, no spaces.
const CLAIM_TEXT = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/;
const CLAIM_TEXT_RULE = '1-100 letters, digits and . _ @ : - (starting with a letter or digit)';

/** `POST /dev/tokens`: the claims of a development token, as the identity provider would set them. */
export class MintDevTokenDto {
  @IsString()
  @Matches(CLAIM_TEXT, { message: `sub must be ${CLAIM_TEXT_RULE}` })
  sub!: string;

  @IsString()
  @Matches(CLAIM_TEXT, { message: `account_id must be ${CLAIM_TEXT_RULE}` })
  account_id!: string;

  /** Defaults to `conversation`, a team member using the chat. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(Object.values(Scopes), { each: true, message: `scopes must be among ${Object.values(Scopes).join(', ')}` })
  scopes?: string[];
}

/** A minted development token and when it stops working. */
export interface DevTokenView {
  token: string;
  expires_at: string;
}
