import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppError } from '@parley/contracts';
import { NETWORK_AWAY_CODES } from '@parley/platform';
import type { StorageSettings } from './storage-settings.js';

/** Injection token of the StorageSettings given to StorageModule. */
export const STORAGE_SETTINGS = 'PARLEY_STORAGE_SETTINGS';

/** The metadata header a presigned upload must carry: who presigned it. */
const UPLOADER_HEADER = 'x-amz-meta-uploader';

/**
 * Who uploads a file, as its object's metadata says: a digest of account and user, so any user id
 * fits an S3 header, and a storage key attached by anyone else reads as never uploaded.
 */
export function uploaderTag(accountId: string, userId: string): string {
  return createHash('sha256').update(`${accountId}\u0000${userId}`).digest('hex');
}

/** SigV4 presigned URLs live at most a week. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** What the storage knows of an object. */
export interface StoredObject {
  key: string;
  size: number;
  contentType: string | null;
  etag: string | null;
  lastModified: Date | null;
  /** Who uploaded it through a presigned URL (uploaderTag), as signed into the upload; null for the apps' own. */
  uploader: string | null;
}

/** A stored object with its bytes. */
export interface StoredObjectWithBody extends StoredObject {
  body: Buffer;
}

/** How a client uploads one object: a PUT of exactly the declared bytes to `url` with `headers`. */
export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: Date;
}

/** A URL anyone holding it may GET the object from until `expiresAt`. */
export interface PresignedDownload {
  url: string;
  expiresAt: Date;
}

/**
 * The bucket of S3-compatible storage the app keeps files in (VersityGW here, any S3 in production):
 * presigned uploads and downloads for clients, and reads and writes of its own.
 */
@Injectable()
export class ObjectStorage implements OnModuleInit, OnApplicationShutdown {
  readonly bucket: string;
  private readonly client: S3Client;
  /** Signs for the host clients use; the same client when that is S3_ENDPOINT. */
  private readonly signer: S3Client;

  constructor(
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @InjectPinoLogger(ObjectStorage.name) private readonly logger: PinoLogger,
  ) {
    this.bucket = settings.bucket;
    this.client = clientFor(settings.endpoint, settings);
    this.signer = settings.publicEndpoint === settings.endpoint ? this.client : clientFor(settings.publicEndpoint, settings);
  }

  /**
   * Checks the bucket is there and the keys work, without holding up the start: presigning needs no
   * network, so the app is useful meanwhile, and the log says early what would fail later.
   */
  onModuleInit(): void {
    this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(5000) }).then(
      () => this.logger.debug({ bucket: this.bucket, endpoint: this.settings.endpoint }, 'object storage answers'),
      (error: unknown) =>
        this.logger.warn({ err: error, bucket: this.bucket, endpoint: this.settings.endpoint }, 'object storage bucket is not reachable: uploads and downloads will fail until it is'),
    );
  }

  onApplicationShutdown(): void {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }

  /**
   * A URL to upload one object with. Its content type and size are signed, so the storage refuses
   * (403) an upload of other bytes, another type or another key than the ones presigned.
   */
  async presignPut(key: string, contentType: string, size: number, expiresSeconds: number, uploader: string): Promise<PresignedUpload> {
    checkExpiry(expiresSeconds);
    // If-None-Match: * makes the URL write once: the object a message then refers to cannot be
    // replaced by other bytes of the same length while the URL is still valid (412).
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: size, Metadata: { uploader }, IfNoneMatch: '*' });
    // The presigner leaves content-type unsigned by default and would move metadata into the query;
    // signing these as headers holds the client to the type presigned, to writing once, and stores who presigned it.
    const url = await getSignedUrl(this.signer, command, {
      expiresIn: expiresSeconds,
      signableHeaders: new Set(['content-type', 'if-none-match', UPLOADER_HEADER]),
      unhoistableHeaders: new Set([UPLOADER_HEADER]),
    });
    return { url, method: 'PUT', headers: { 'content-type': contentType, 'if-none-match': '*', [UPLOADER_HEADER]: uploader }, expiresAt: expiryOf(expiresSeconds) };
  }

  /** The answer to one request to the storage; its being away (no connection, no answer, a 5xx) is a 503. */
  private async answered<T>(sending: Promise<T>): Promise<T> {
    try {
      return await sending;
    } catch (error) {
      throw asStorageFailure(error);
    }
  }

  /** Deletes one object; deleting one that is not there is not an error (S3 answers 204 either way). */
  async delete(key: string): Promise<void> {
    await this.answered(this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /**
   * A URL to download one object with, until it expires. With `saveAs`, the storage answers it as a
   * download of that name (Content-Disposition: attachment) rather than a page a browser renders.
   */
  async presignGet(key: string, expiresSeconds: number, options: { saveAs?: string } = {}): Promise<PresignedDownload> {
    checkExpiry(expiresSeconds);
    const disposition = options.saveAs === undefined ? undefined : `attachment; filename*=UTF-8''${encodeURIComponent(options.saveAs)}`;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(disposition ? { ResponseContentDisposition: disposition } : {}) });
    const url = await getSignedUrl(this.signer, command, { expiresIn: expiresSeconds });
    return { url, expiresAt: expiryOf(expiresSeconds) };
  }

  /** What the storage knows of an object (an upload's size and type, say), or null when there is none. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      return describe(key, await this.answered(this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Stores bytes the app has itself (inbound media copied from a provider), replacing any object of that key. */
  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.answered(this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType })));
  }

  /** An object with its bytes, read whole into memory (attachments are bounded), or null when there is none. */
  async get(key: string): Promise<StoredObjectWithBody | null> {
    let response: GetObjectCommandOutput;
    try {
      response = await this.answered(this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const body = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
    return { ...describe(key, response), size: response.ContentLength ?? body.length, body };
  }
}

/** How long to wait for a connection to the storage, and for an answer to one request. */
const STORAGE_CONNECT_TIMEOUT_MS = 1000;
const STORAGE_REQUEST_TIMEOUT_MS = 2000;

/**
 * The storage's own trouble (no connection, no answer in time, a 5xx) as a 503 the caller may
 * retry; anything else as it was.
 */
export function asStorageFailure(error: unknown): unknown {
  const { name, code, $metadata } = (error ?? {}) as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  const away = name === 'TimeoutError' || (typeof code === 'string' && NETWORK_AWAY_CODES.has(code)) || (typeof status === 'number' && status >= 500);
  return away ? AppError.unavailable('The file storage did not answer; retry shortly') : error;
}

function clientFor(endpoint: string, settings: StorageSettings): S3Client {
  return new S3Client({
    endpoint,
    region: settings.region,
    credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
    // Bucket in the path, not the host name: S3-compatible servers on an address or a port have no
    // per-bucket host names.
    forcePathStyle: true,
    // By default the SDK adds a CRC32 to every PutObject; in a presigned URL that is the checksum of
    // an empty body (x-amz-checksum-crc32=AAAAAA==), which S3 checks against the bytes uploaded.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A storage that stops answering must not hold a send (or a consumer) for ever: by default the
    // SDK waits without end, and past a requestTimeout it only warns. Two tries of at most
    // STORAGE_REQUEST_TIMEOUT_MS, then a 503.
    requestHandler: { connectionTimeout: STORAGE_CONNECT_TIMEOUT_MS, requestTimeout: STORAGE_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    maxAttempts: 2,
  });
}

function checkExpiry(expiresSeconds: number): void {
  if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS) {
    throw new RangeError(`A presigned URL lives 1 to ${MAX_EXPIRES_SECONDS} seconds, not ${expiresSeconds}`);
  }
}

function expiryOf(expiresSeconds: number): Date {
  return new Date(Date.now() + expiresSeconds * 1000);
}

function describe(key: string, response: HeadObjectCommandOutput | GetObjectCommandOutput): StoredObject {
  return {
    key,
    size: response.ContentLength ?? 0,
    contentType: response.ContentType ?? null,
    etag: response.ETag ?? null,
    lastModified: response.LastModified ?? null,
    uploader: response.Metadata?.uploader ?? null,
  };
}

/** No such object; a missing bucket is a misconfiguration, not an absent object, and is thrown. */
function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket';
}
