import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppError, ErrorCodes } from '@parley/contracts';

/** The gateway's OpenAPI document, built once at start, and the Postman collection made from it. */
@Injectable()
export class ApiDocument {
  private document: OpenAPIObject | null = null;
  private collection: Promise<string> | null = null;

  constructor(@InjectPinoLogger(ApiDocument.name) private readonly logger: PinoLogger) {}

  /**
   * Keeps the document and starts converting it to the Postman collection in the background: the
   * conversion takes seconds (15.6 s on a slow day with the machine busy), too long for the first
   * caller to wait, and in its own process it costs the gateway's requests nothing.
   */
  set(document: OpenAPIObject): void {
    this.document = document;
    this.collection = null;
    this.convertedCollection().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'The Postman collection could not be made at start; the first GET /getPostmanCollection tries again'),
    );
  }

  /**
   * The Postman collection (v2.1) of every endpoint as JSON text, its `baseUrl` variable set to
   * `baseUrl` (a gateway's origin) and a `bearerToken` variable declared for the caller to fill.
   * Converted on first use and kept; a conversion that failed is tried again by the next caller.
   */
  async postmanCollection(baseUrl: string): Promise<string> {
    const collection = await this.convertedCollection();
    return collection.replace(JSON.stringify(BASE_URL_PLACEHOLDER), JSON.stringify(baseUrl));
  }

  private convertedCollection(): Promise<string> {
    const document = this.document;
    if (!document) throw new AppError(ErrorCodes.Unavailable, 503, 'The API document is not built yet');
    this.collection ??= postmanCollectionOf(document).then(
      ({ collection, warnings, firstWarning }) => {
        // The converter falls back where it cannot merge an allOf (enums' x-enumNames); it says so on
        // its console, which would be hundreds of unstructured lines in the gateway's log.
        if (warnings > 0) this.logger.debug({ warnings, firstWarning }, "Postman's converter simplified parts of the document");
        return collection;
      },
      (error: unknown) => {
        this.collection = null;
        throw error;
      },
    );
    return this.collection;
  }
}

/**
 * What the converted collection holds as its `baseUrl` until a caller's origin replaces it: the
 * converter takes the document's `servers`, which are left empty so that Swagger UI calls the origin
 * it was loaded from, and would make every request's URL `//v1/...`.
 */
const BASE_URL_PLACEHOLDER = 'http://parley-gateway.invalid';

/**
 * Converts with Postman's converter in a child process: the conversion is seconds of synchronous
 * CPU on a slow machine (8.5 s measured on one), which on the gateway's own thread would stall every
 * request, and the converter is a module few clients need. In a process of its own its memory goes
 * back to the system when it ends; a worker thread's stayed in the gateway's allocator (idle RSS
 * 156 MB against 148-149 in its own process, `npm run bench`). The child gets a copy of the document on its stdin, so
 * the converter's writes into it (array bounds for its examples) never reach what /swagger/json
 * serves, and answers one JSON text on its stdout.
 */
function postmanCollectionOf(document: OpenAPIObject): Promise<{ collection: string; warnings: number; firstWarning?: string }> {
  const converterPath = createRequire(import.meta.url).resolve('openapi-to-postmanv2');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CONVERT_IN_CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        const answer = JSON.parse(Buffer.concat(output).toString()) as { collection?: string; error?: string; warnings: number; firstWarning?: string };
        if (answer.collection !== undefined) resolve({ collection: answer.collection, warnings: answer.warnings, firstWarning: answer.firstWarning });
        else reject(new Error(`Postman's converter failed: ${answer.error}`));
      } catch {
        reject(new Error(`Postman's converter exited (code ${code}) without a collection: ${Buffer.concat(errors).toString().trim().slice(0, 500)}`));
      }
    });
    // A child that died early closes its stdin: the close above says why, not this write.
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ converterPath, document, baseUrl: BASE_URL_PLACEHOLDER }));
  });
}

/**
 * The child's script (CommonJS, as `node -e` runs it): read the job from stdin, convert, answer with
 * JSON text and what the converter said on its console (counted, not printed), end.
 */
const CONVERT_IN_CHILD = `
let warnings = 0;
let firstWarning;
console.log = console.info = console.warn = console.error = (...args) => {
  warnings++;
  if (firstWarning === undefined) firstWarning = args.map(String).join(' ').trim().slice(0, 300);
};
const answer = (value) => process.stdout.write(JSON.stringify({ ...value, warnings, firstWarning }));
const input = [];
process.stdin.on('data', (chunk) => input.push(chunk));
process.stdin.on('end', () => {
  const job = JSON.parse(Buffer.concat(input).toString());
  const converter = require(job.converterPath);
  converter.convert(
    { type: 'json', data: job.document },
    { folderStrategy: 'Tags', requestParametersResolution: 'Example' },
    (error, result) => {
      if (error || !result || !result.result || !result.output || !result.output[0]) {
        answer({ error: (error && error.message) || (result && result.reason) || 'no collection' });
      } else {
        const collection = result.output[0].data;
        // Requests use {{baseUrl}} and {{bearerToken}}: both declared, so an imported collection only needs a token.
        collection.variable = [
          { key: 'baseUrl', value: job.baseUrl, type: 'string' },
          { key: 'bearerToken', value: '', type: 'string', description: 'A JWT for the Authorization header (locally: npm run token -- --sub <user> --account <account>)' },
        ];
        answer({ collection: JSON.stringify(collection) });
      }
    },
  );
});
`;
