import { Injectable, type PipeTransform } from '@nestjs/common';
import { AppError } from '@parley/contracts';

/** Validates an id in the path (a 24-hex-digit id); a malformed one is a 400 naming the parameter. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !/^[0-9a-f]{24}$/i.test(value)) {
      throw AppError.badRequest(this.field, `${this.field} must be a valid id`);
    }
    return value.toLowerCase();
  }
}
