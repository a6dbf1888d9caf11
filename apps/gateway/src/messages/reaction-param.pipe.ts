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
    description: 'An emoji (👍, a flag, a family: one sequence) or a short name such as thumbsup, URL-encoded; spaces, control characters or nothing visible are a 422',
    schema: { type: 'string', minLength: 1, maxLength: Limits.reactionMaxLength },
  });
}
