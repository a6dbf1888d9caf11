import { type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { checkReaction, Limits } from '@parley/contracts';

/** Checks a reaction path parameter at the edge, as messaging checks it again. */
export class ReactionParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    checkReaction(value);
    return value;
  }
}

/** Documents the reaction path parameter with the bounds ReactionParamPipe answers 400 past. */
export function ApiReactionParam(): MethodDecorator {
  return ApiParam({
    name: 'emoji',
    description:
      'One emoji (👍, a flag, a family: one sequence), URL-encoded, or a short name of letters, digits, _, + and - such as thumbsup (its own reaction: names are not translated to emoji); anything else is a 422',
    schema: { type: 'string', minLength: 1, maxLength: Limits.reactionMaxLength },
  });
}
