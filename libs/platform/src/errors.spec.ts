import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, type ArgumentMetadata, type ArgumentsHost } from '@nestjs/common';
import { AppError } from '@parley/contracts';
import { CreateMessageDto, PageQueryDto } from '@parley/contracts/http';
import { MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import { AppExceptionFilter, createValidationPipe, inputProblem, isDependencyUnavailable, MAX_NESTING_DEPTH } from './errors.js';

const body: ArgumentMetadata = { type: 'body', metatype: CreateMessageDto };

async function rejectionOf(value: unknown): Promise<AppError> {
  try {
    await createValidationPipe().transform(value, body);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('the pipe accepted the body');
}

describe('the validation pipe', () => {
  it('names an unknown field and a bad one in the details of a 400', async () => {
    const error = await rejectionOf({ content: '', extra: 1 });
    expect(error).toBeInstanceOf(AppError);
    expect(error.statusCode).toBe(400);
    expect(error.details?.map((detail) => detail.field).sort()).toEqual(['content', 'extra']);
    expect(error.details?.find((detail) => detail.field === 'extra')?.messages).toEqual(['extra is not allowed']);
  });

  it('names a nested field by its path', async () => {
    const error = await rejectionOf({ content: 'hi', attachments: [{ name: 'a.png', size: -1, content_type: 'image/png', url: 'https://x.test/a' }] });
    expect(error.details?.map((detail) => detail.field)).toEqual(['attachments.0.size']);
  });

  it('refuses a body nested thousands of levels deep with a 400 naming its field, not a stack overflow', async () => {
    let deep: unknown = [];
    for (let level = 0; level < 5000; level++) deep = [deep];
    const error = await rejectionOf({ content: 'hi', x: deep });
    expect(error).toBeInstanceOf(AppError);
    expect(error.statusCode).toBe(400);
    expect(error.details?.map((detail) => detail.field)).toEqual(['x']);
  });

  it('finds the first value nested past the limit, and none in a body within it', () => {
    let within: unknown = 'leaf';
    for (let level = 0; level < MAX_NESTING_DEPTH; level++) within = { a: within };
    expect(inputProblem(within)).toBeNull();
    expect(inputProblem({ b: [{ c: { d: 1 } }] }, { limit: 3 })).toEqual({ path: 'b.0.c', problem: 'too-deep' });
    expect(inputProblem({ b: [{ c: 1 }] }, { limit: 3 })).toBeNull();
  });

  it('finds the first string that is no text (a NUL, half a surrogate pair), by its path, and takes whole pairs and other controls', () => {
    expect(inputProblem({ data: { listingId: 'L-1', participantIds: ['alice', 'a\u0000b'] } })).toEqual({ path: 'data.participantIds.1', problem: 'not-text' });
    expect(inputProblem({ name: 'ab\udc00', other: '\ud800' })).toEqual({ path: 'name', problem: 'not-text' });
    expect(inputProblem({ name: 'x\ud800' }, { strings: false })).toBeNull();
    expect(inputProblem({ name: '😀 tab\there\u2028' })).toBeNull();
  });

  it('refuses a prototype key anywhere in a body (which class-transformer would skip unseen) with a 400 naming it', async () => {
    for (const [body, field] of [
      [JSON.parse('{"content":"hi","__proto__":{"private":true}}'), '__proto__'],
      [{ content: 'hi', attachments: [{ name: 'a', size: 1, content_type: 'text/plain', url: 'https://x.test/a', constructor: { prototype: {} } }] }, 'attachments.0.constructor'],
    ] as const) {
      const error = await rejectionOf(body);
      expect([error.statusCode, error.details?.map((detail) => detail.field)]).toEqual([400, [field]]);
    }
  });

  it('refuses a query parameter given twice with a 400 saying so, naming it', async () => {
    const query: ArgumentMetadata = { type: 'query', metatype: PageQueryDto };
    const error = await createValidationPipe().transform({ limit: ['10', '20'] }, query).catch((refused: AppError) => refused);
    expect(error).toMatchObject({ statusCode: 400, details: [{ field: 'limit', messages: ['limit must be given once'] }] });
  });

  it('refuses a body string that is no text with a 422 naming its path', async () => {
    const error = await rejectionOf({ content: 'hi', clientMessageId: 'c\ud800' });
    expect([error.statusCode, error.details?.map((detail) => detail.field)]).toEqual([422, ['clientMessageId']]);
  });

  it('passes a valid body through as the DTO class', async () => {
    const value = await createValidationPipe().transform({ content: 'hi', clientMessageId: 'c-1' }, body);
    expect(value).toBeInstanceOf(CreateMessageDto);
  });
});

describe('a dependency that is down for a moment', () => {
  const mongoError = (name: string, fields: Record<string, unknown> = {}, labels: string[] = []) =>
    Object.assign(new Error('mongo'), { name, ...fields, hasErrorLabel: (label: string) => labels.includes(label) });

  it('is a cut connection, an unselectable server, a primary stepping down or a transient transaction error', () => {
    expect(isDependencyUnavailable(mongoError('MongoNetworkError'))).toBe(true);
    expect(isDependencyUnavailable(mongoError('MongoServerSelectionError'))).toBe(true);
    expect(isDependencyUnavailable(mongoError('MongoServerError', { code: 10107 }))).toBe(true);
    expect(isDependencyUnavailable(mongoError('MongoServerError', { code: 112 }, ['TransientTransactionError']))).toBe(true);
  });

  it('is a connection cut during a bulk insert, which the driver wraps without its labels', () => {
    const cut = new MongoBulkWriteError(new MongoNetworkError('connection 5 to 127.0.0.1:27017 closed'), {} as never);
    expect(isDependencyUnavailable(cut)).toBe(true);
    const duplicate = new MongoBulkWriteError({ message: 'E11000 duplicate key error', code: 11000 }, {} as never);
    expect(isDependencyUnavailable(duplicate)).toBe(false);
  });

  it('is a Redis that is reconnecting, does not answer or has closed, a refused connection, or a dependency already judged away (503)', () => {
    expect(isDependencyUnavailable(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isDependencyUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isDependencyUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyUnavailable(AppError.unavailable('The file storage did not answer; retry shortly'))).toBe(true);
    expect(isDependencyUnavailable(AppError.conflict('taken'))).toBe(false);
  });

  it('is not a duplicate key, a validation error or a plain bug', () => {
    expect(isDependencyUnavailable(mongoError('MongoServerError', { code: 11000 }))).toBe(false);
    expect(isDependencyUnavailable(mongoError('ValidationError', { code: 10107 }))).toBe(false);
    expect(isDependencyUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDependencyUnavailable(null)).toBe(false);
  });
});

describe('the exception filter over HTTP', () => {
  function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
    const sent = { status: 0, body: {} as Record<string, unknown> };
    const response = {
      setHeader: () => undefined,
      status(code: number) {
        sent.status = code;
        return { json: (body: Record<string, unknown>) => void (sent.body = body) };
      },
    };
    const request = { id: 'c-1', path: '/v1/rooms', method: 'POST', headers: {} };
    const host = { getType: () => 'http', switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ArgumentsHost;
    new AppExceptionFilter().catch(exception, host);
    return sent;
  }
  const bodyParserError = (status: number, type: string, message: string) => Object.assign(new Error(message), { status, statusCode: status, type, expose: true });

  it('names the body as the offending field of a malformed or oversized body', () => {
    const malformed = answer(new BadRequestException('Unexpected end of JSON input', { cause: bodyParserError(400, 'entity.parse.failed', 'Unexpected end of JSON input') }));
    const oversized = answer(new HttpException('request entity too large', 413, { cause: bodyParserError(413, 'entity.too.large', 'request entity too large') }));
    expect(malformed).toEqual({ status: 400, body: expect.objectContaining({ code: 'VALIDATION_FAILED', details: [{ field: 'body', messages: ['Unexpected end of JSON input'] }] }) });
    expect(oversized).toEqual({ status: 413, body: expect.objectContaining({ details: [{ field: 'body', messages: ['request entity too large'] }] }) });
  });

  it('names no field for an HTTP error that is not about the body', () => {
    expect(answer(new BadRequestException('bad path')).body).not.toHaveProperty('details');
  });
});
