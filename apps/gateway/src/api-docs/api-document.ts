import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppError, ErrorCodes } from '@parley/contracts';

/** The gateway's OpenAPI document, built once at start, and the Postman collection made from it. */
@Injectable()
export class ApiDocument {
  private document: OpenAPIObject | null = null;
  private collection: Promise<unknown> | null = null;

  set(document: OpenAPIObject): void {
    this.document = document;
    this.collection = null;
  }

  /**
   * The Postman collection (v2.1) of every endpoint, converted by Postman's own converter from a
   * copy of the document: the converter writes into what it is given (array bounds for its
   * examples), which /swagger/json would serve from then on.
   */
  postmanCollection(): Promise<unknown> {
    const document = this.document;
    if (!document) throw new AppError(ErrorCodes.Unavailable, 503, 'The API document is not built yet');
    this.collection ??= postmanCollectionOf(structuredClone(document));
    return this.collection;
  }
}

/**
 * Converts with Postman's converter, imported on first use: it is half a second of CPU to load,
 * which every gateway start would pay for an endpoint few clients call.
 */
async function postmanCollectionOf(document: OpenAPIObject): Promise<unknown> {
  const { default: converter } = await import('openapi-to-postmanv2');
  return new Promise((resolve, reject) => {
    converter.convert(
      { type: 'json', data: document },
      { folderStrategy: 'Tags', requestParametersResolution: 'Example' },
      (error, result) => {
        if (error || !result?.result || !result.output?.[0]) reject(new Error(error?.message ?? result?.reason ?? 'conversion failed'));
        else resolve(result.output[0].data);
      },
    );
  });
}
