import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ErrorCodes, type ErrorBody, type ErrorCode, type FieldError } from '../errors.js';

/** FieldError as the OpenAPI document shows it (the interface stays the source: this implements it). */
@ApiSchema({ name: 'FieldError', description: 'One offending field of a rejected request' })
export class FieldErrorSchema implements FieldError {
  @ApiProperty({ description: 'The field, as a path into the request: `content`, `attachments.0.size`, `id`', example: 'content' })
  field!: string;

  @ApiProperty({ type: [String], description: 'What is wrong with it' })
  messages!: string[];
}

/** ErrorBody as the OpenAPI document shows it: the one error body of every error of the API. */
@ApiSchema({ name: 'Error', description: 'The one error body of the API: every 4xx and 5xx answer has this shape' })
export class ErrorBodySchema implements ErrorBody {
  @ApiProperty({ type: 'integer', description: 'The HTTP status again', example: 400 })
  statusCode!: number;

  @ApiProperty({ description: 'The reason phrase of the status', example: 'Bad Request' })
  error!: string;

  @ApiProperty({ description: 'What went wrong, for a person' })
  message!: string;

  @ApiProperty({ enum: Object.values(ErrorCodes), enumName: 'ErrorCode', description: 'What went wrong, for a program: branch on this, never on message' })
  code!: ErrorCode;

  @ApiProperty({ description: "The request's correlation id (its X-Correlation-Id, or one made for it), in every log line it caused" })
  correlationId!: string;

  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'The offending fields (400, and 413 or 415 about a field)' })
  details?: FieldErrorSchema[];
}
