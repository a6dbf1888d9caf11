import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { api, closeStores, mintToken, newAccountId, newDirectRoom, newUser, readState } from '@parley/testing';

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

let client: S3Client | undefined;

/** The system's storage, read directly with the root keys: to prove what was (and was not) stored. */
function storage(): { client: S3Client; bucket: string } {
  const { env } = readState();
  client ??= new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
  });
  return { client, bucket: env.S3_BUCKET };
}

async function storedObject(key: string): Promise<{ size: number; contentType: string } | null> {
  const { client, bucket } = storage();
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: head.ContentLength ?? -1, contentType: head.ContentType ?? '' };
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

async function keysOfAccount(accountId: string): Promise<string[]> {
  const { client, bucket } = storage();
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${encodeURIComponent(accountId)}/` }));
  return (listed.Contents ?? []).map((object) => object.Key as string);
}

function presign(token: string | undefined, body: unknown) {
  return api('POST', '/v1/attachments', { token, body });
}

function upload(url: string, headers: Record<string, string>, body: Uint8Array) {
  return fetch(url, { method: 'PUT', headers, body });
}

/** Presigns and uploads bytes as a client would; the storage key. */
async function uploaded(token: string, name: string, contentType: string, bytes: Uint8Array): Promise<string> {
  const presigned = await presign(token, { name, content_type: contentType, size: bytes.length });
  expect(presigned.status).toBe(201);
  expect((await upload(presigned.body.upload_url, presigned.body.headers, bytes)).status).toBe(200);
  return presigned.body.storage_key;
}

describe('attachments in S3-compatible storage', () => {
  afterAll(async () => {
    client?.destroy();
    await closeStores();
  });

  describe('on messages', () => {
    it('stores a message with an uploaded file, sized by the storage, and gives readers a short-lived link to its bytes', async () => {
      const { alice, bob, roomId } = await newDirectRoom();
      const bytes = new TextEncoder().encode('the signed lease, page 1');
      const key = await uploaded(alice.token, 'lease.txt', 'text/plain', bytes);
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, {
        token: alice.token,
        body: { content: 'the lease', attachments: [{ name: 'lease.txt', size: 1, content_type: 'text/plain', storage_key: key }] },
      });
      expect(sent.status).toBe(201);
      expect(sent.body.attachments[0]).toMatchObject({ name: 'lease.txt', size: bytes.length, content_type: 'text/plain', storage_key: key });
      const read = await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token });
      const link: string = read.body.data[0].attachments[0].url;
      expect(link).toMatch(/X-Amz-Expires=900/);
      const downloaded = await fetch(link);
      expect(downloaded.status).toBe(200);
      expect(new Uint8Array(await downloaded.arrayBuffer())).toEqual(bytes);
    });

    it('links a page, an SVG or a script a user sent as a download of its name, and a picture or a PDF to be shown in place', async () => {
      const { alice, bob, roomId } = await newDirectRoom();
      const files = [
        ['page one.html', 'text/html', 'attachment'],
        ['logo.svg', 'image/svg+xml', 'attachment'],
        ['photo.png', 'image/png', null],
        ['plan.pdf', 'application/pdf', null],
      ] as const;
      const attachments = [];
      for (const [name, contentType] of files) {
        const key = await uploaded(alice.token, name, contentType, new TextEncoder().encode(`<b>${name}</b>`));
        attachments.push({ name, size: 1, content_type: contentType, storage_key: key });
      }
      expect((await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'files', attachments } })).status).toBe(201);
      const [message] = (await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body.data;
      for (const [index, [name, , disposition]] of files.entries()) {
        const downloaded = await fetch(message.attachments[index].url);
        expect([name, downloaded.status]).toEqual([name, 200]);
        const header = downloaded.headers.get('content-disposition');
        if (disposition === null) expect([name, header]).toEqual([name, null]);
        else expect([name, header]).toEqual([name, `attachment; filename*=UTF-8''${encodeURIComponent(name)}`]);
      }
    });

    it('refuses a linked file of a denied type, by its type or its name (trailing dots and all), with 415 naming it, and stores nothing', async () => {
      const { alice, roomId } = await newDirectRoom();
      for (const [linked, field] of [
        [{ url: 'https://files.example/a.exe', name: 'a.exe', size: 3, content_type: 'application/x-msdownload' }, 'attachments.0.content_type'],
        [{ url: 'https://files.example/setup', name: 'setup.exe.', size: 3, content_type: 'application/octet-stream' }, 'attachments.0.name'],
      ] as const) {
        const refused = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'run this', attachments: [linked] } });
        expect([refused.status, refused.body.details?.[0]?.field]).toEqual([415, field]);
      }
      const presigned = await presign(alice.token, { name: 'setup.exe.', content_type: 'application/octet-stream', size: 3 });
      expect([presigned.status, presigned.body.details?.[0]?.field]).toEqual([415, 'name']);
      expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body.data).toEqual([]);
    });

    it('answers a send whose file the storage cannot check (it stopped answering) a 503 to retry, storing nothing, while sends without files go on', async () => {
      const { alice, roomId } = await newDirectRoom();
      const elsewhere = await newDirectRoom();
      const key = await uploaded(alice.token, 'plan.txt', 'text/plain', new TextEncoder().encode('the plan'));
      const port = new URL(readState().env.S3_ENDPOINT).port;
      const storagePid = Number(execFileSync('pgrep', ['-f', '--', `--port 127.0.0.1:${port}`]).toString().trim().split('\n')[0]);
      process.kill(storagePid, 'SIGSTOP');
      try {
        const withFile = api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'the plan', attachments: [{ storage_key: key }] } });
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Held behind the send that waits on the storage for at most the storage's timeout (it was
        // for as long as the storage slept: 504s).
        const plain = await api('POST', `/v1/rooms/${elsewhere.roomId}/messages`, { token: elsewhere.alice.token, body: { content: 'no file here' } });
        expect(plain.status).toBe(201);
        const refused = await withFile;
        expect([refused.status, refused.body.code]).toEqual([503, 'UNAVAILABLE']);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        process.kill(storagePid, 'SIGCONT');
      }
      expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body.data).toEqual([]);
      // The storage back, the same send goes through.
      const again = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'the plan', attachments: [{ storage_key: key }] } });
      expect(again.status).toBe(201);
    });

    it('takes an upload named by its storage_key alone, with the name it was presigned with and the size and type stored', async () => {
      const { alice, roomId } = await newDirectRoom();
      const bytes = new TextEncoder().encode('%PDF-1.7 the floor plan');
      const key = await uploaded(alice.token, 'Floor plan.pdf', 'application/pdf', bytes);
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'the plan', attachments: [{ storage_key: key }] } });
      expect(sent.status).toBe(201);
      expect(sent.body.attachments).toEqual([expect.objectContaining({ name: 'Floor_plan.pdf', size: bytes.length, content_type: 'application/pdf', storage_key: key })]);
    });

    it('gives a link without its name, size or type a 400 naming each, and stores nothing', async () => {
      const { alice, roomId } = await newDirectRoom();
      const refused = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'see', attachments: [{ url: 'https://files.example.com/a.pdf' }] } });
      expect(refused.status).toBe(400);
      expect(refused.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['attachments.0.content_type', 'attachments.0.name', 'attachments.0.size']);
      expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body.data).toEqual([]);
    });

    it('refuses, with 422 naming the attachment, a key never uploaded and a key of another account, and stores nothing', async () => {
      const { alice, roomId } = await newDirectRoom();
      const stranger = newUser();
      const theirs = await uploaded(stranger.token, 'secret.txt', 'text/plain', new TextEncoder().encode('not yours'));
      const presigned = await presign(alice.token, { name: 'never.txt', content_type: 'text/plain', size: 3 });
      for (const key of [presigned.body.storage_key, theirs, 'made/up/key']) {
        const refused = await api('POST', `/v1/rooms/${roomId}/messages`, {
          token: alice.token,
          body: { content: 'look', attachments: [{ name: 'x.txt', size: 3, content_type: 'text/plain', storage_key: key }] },
        });
        expect(refused.status).toBe(422);
        expect(refused.body.details?.[0]?.field).toBe('attachments.0.storage_key');
      }
      expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body.data).toEqual([]);
    });

    it('lets only its uploader attach a file: a key seen in a message cannot be sent on by another user of the account', async () => {
      const { alice, bob, roomId } = await newDirectRoom();
      const key = await uploaded(alice.token, 'salaries.txt', 'text/plain', new TextEncoder().encode('the salary list'));
      expect((await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'oops', attachments: [{ storage_key: key }] } })).status).toBe(201);
      const seen = (await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body.data[0].attachments[0].storage_key;
      expect(seen).toBe(key);
      const forwarded = await api('POST', `/v1/rooms/${roomId}/messages`, { token: bob.token, body: { content: 'look', attachments: [{ storage_key: seen, name: 'innocent.txt' }] } });
      expect(forwarded.status).toBe(422);
      expect(forwarded.body.details[0].field).toBe('attachments.0.storage_key');
      // The uploader may send it again.
      expect((await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'again', attachments: [{ storage_key: key }] } })).status).toBe(201);
    });

    it('deletes the file of a message deleted for everyone once no live message holds it: its links stop working', async () => {
      const { alice, bob, roomId } = await newDirectRoom();
      const key = await uploaded(alice.token, 'plan.txt', 'text/plain', new TextEncoder().encode('the plan'));
      const first = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'plan', attachments: [{ storage_key: key }] } })).body;
      const second = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'plan again', attachments: [{ storage_key: key }] } })).body;
      const link: string = (await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body.data[0].attachments[0].url;
      expect((await fetch(link)).status).toBe(200);

      expect((await api('DELETE', `/v1/messages/${first.id}?for=everyone`, { token: alice.token })).status).toBe(204);
      expect(await storedObject(key)).not.toBeNull(); // the second message still holds it
      expect((await fetch(link)).status).toBe(200);
      expect((await api('DELETE', `/v1/messages/${second.id}?for=everyone`, { token: alice.token })).status).toBe(204);
      expect(await storedObject(key)).toBeNull();
      expect((await fetch(link)).status).toBe(404);
    });
  });


  it('presigns an upload under a key of the caller\'s account, and the storage keeps exactly the bytes sent', async () => {
    const user = newUser();
    const bytes = new TextEncoder().encode('%PDF-1.7 a small floor plan');
    const presigned = await presign(user.token, { name: 'Floor plan (v2).pdf', content_type: 'application/pdf', size: bytes.length });
    expect(presigned.status).toBe(201);
    expect(presigned.body).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf' } });
    const key: string = presigned.body.storage_key;
    expect(key).toMatch(new RegExp(`^${user.accountId}/[0-9a-f-]{36}/Floor_plan_v2_\\.pdf$`));
    const expiresIn = Date.parse(presigned.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(60_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);

    const uploaded = await upload(presigned.body.upload_url, presigned.body.headers, bytes);
    expect(uploaded.status).toBe(200);
    expect(await storedObject(key)).toEqual({ size: bytes.length, contentType: 'application/pdf' });
    const { client: s3, bucket } = storage();
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(Buffer.from(bytes));
  });

  it('has the storage refuse (412) a second upload to the same URL: a file others may have seen cannot be swapped for other bytes', async () => {
    const user = newUser();
    const bytes = new TextEncoder().encode('%PDF-1.7 the real plan');
    const presigned = await presign(user.token, { name: 'plan.pdf', content_type: 'application/pdf', size: bytes.length });
    expect(presigned.body.headers).toMatchObject({ 'if-none-match': '*' });
    expect((await upload(presigned.body.upload_url, presigned.body.headers, bytes)).status).toBe(200);

    const swapped = new TextEncoder().encode('%PDF-1.7 an evil plan!');
    expect(swapped.length).toBe(bytes.length);
    expect((await upload(presigned.body.upload_url, presigned.body.headers, swapped)).status).toBe(412);
    // Without the header the signature no longer matches.
    const { 'if-none-match': _dropped, ...withoutCondition } = presigned.body.headers as Record<string, string>;
    expect((await upload(presigned.body.upload_url, withoutCondition, swapped)).status).toBe(403);
    const { client: s3, bucket } = storage();
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: presigned.body.storage_key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(Buffer.from(bytes));
  });

  it('gives each upload of the same file name a key of its own', async () => {
    const user = newUser();
    const body = { name: 'photo.jpg', content_type: 'image/jpeg', size: 10 };
    const [first, second] = await Promise.all([presign(user.token, body), presign(user.token, body)]);
    expect(first.body.storage_key).not.toBe(second.body.storage_key);
  });

  it('has the storage refuse (403) an upload to a URL whose key was changed, and store nothing there', async () => {
    const user = newUser();
    const bytes = new TextEncoder().encode('hello');
    const presigned = await presign(user.token, { name: 'hello.txt', content_type: 'text/plain', size: bytes.length });
    const url = new URL(presigned.body.upload_url);
    const otherKey = `${newAccountId()}/${presigned.body.storage_key.split('/').slice(1).join('/')}`;
    url.pathname = url.pathname.replace(presigned.body.storage_key, otherKey);
    expect(url.pathname).toContain(otherKey);

    const tampered = await upload(url.toString(), presigned.body.headers, bytes);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('SignatureDoesNotMatch');
    expect(await storedObject(otherKey)).toBeNull();
    expect(await storedObject(presigned.body.storage_key)).toBeNull();
  });

  it('has the storage refuse (403) bytes of another size or another content type than presigned', async () => {
    const user = newUser();
    const presigned = await presign(user.token, { name: 'a.png', content_type: 'image/png', size: 4 });
    const longer = await upload(presigned.body.upload_url, presigned.body.headers, new Uint8Array(5_000));
    const otherType = await upload(presigned.body.upload_url, { 'content-type': 'text/html' }, new Uint8Array(4));
    expect([longer.status, otherType.status]).toEqual([403, 403]);
    expect(await storedObject(presigned.body.storage_key)).toBeNull();
  });

  it('refuses an attachment larger than ATTACHMENT_MAX_BYTES with 413 and presigns nothing', async () => {
    const user = newUser();
    const limit = Number(readState().env.ATTACHMENT_MAX_BYTES ?? DEFAULT_MAX_BYTES);
    const atLimit = await presign(user.token, { name: 'big.mp4', content_type: 'video/mp4', size: limit });
    expect(atLimit.status).toBe(201);

    const over = await presign(user.token, { name: 'huge.mp4', content_type: 'video/mp4', size: limit + 1 });
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', details: [{ field: 'size' }] });
    expect(over.body.upload_url).toBeUndefined();
    expect(await keysOfAccount(user.accountId)).toEqual([]);
  });

  it('refuses a denied content type with 415, whatever its case or parameters, and presigns nothing', async () => {
    const user = newUser();
    for (const contentType of ['application/x-msdownload', 'Application/X-SH; charset=binary', 'text/x-shellscript']) {
      const denied = await presign(user.token, { name: 'setup.exe', content_type: contentType, size: 100 });
      expect(denied.status).toBe(415);
      expect(denied.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ field: 'content_type' }] });
      expect(denied.body.upload_url).toBeUndefined();
    }
  });

  it("refuses with 415 naming name a file whose extension is a denied type, whatever type it declares", async () => {
    const user = newUser();
    const disguised = await presign(user.token, { name: 'invoice.pdf.exe', content_type: 'application/octet-stream', size: 100 });
    expect(disguised.status).toBe(415);
    expect(disguised.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ field: 'name' }] });
    expect(disguised.body.message).toContain('application/x-msdos-program');
    expect(await keysOfAccount(user.accountId)).toEqual([]);
    // The same bytes under a document's name are a document.
    expect((await presign(user.token, { name: 'invoice.pdf', content_type: 'application/octet-stream', size: 100 })).status).toBe(201);
  });

  it('refuses a request without a name, or with a malformed type or size, with 400 naming each field', async () => {
    const user = newUser();
    const missingName = await presign(user.token, { content_type: 'image/png', size: 10 });
    expect(missingName.status).toBe(400);
    expect(missingName.body.details.map((detail: { field: string }) => detail.field)).toEqual(['name']);

    const malformed = await presign(user.token, { name: 'a.png', content_type: 'image/png\r\nx-amz-acl: public-read', size: -1 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['content_type', 'size']);

    const unknownField = await presign(user.token, { name: 'a.png', content_type: 'image/png', size: 10, storage_key: 'other/key' });
    expect(unknownField.status).toBe(400);
  });

  it('refuses a caller without a token (401) or without the conversation scope (403)', async () => {
    const body = { name: 'a.png', content_type: 'image/png', size: 10 };
    const anonymous = await presign(undefined, body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const machine = await presign(mintToken({ sub: 'svc', account_id: newAccountId(), scopes: ['conversation.m2m'] }), body);
    expect(machine.status).toBe(403);
  });
});
