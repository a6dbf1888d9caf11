import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';
import { AppError, type Actor } from '@parley/contracts';
import type { CreateMessageDto } from '@parley/contracts/http';
import type { CommandClient } from '@parley/kafka';
import { DeniedAttachmentTypes } from '../attachments/denied-types.js';
import { GatewayConfig } from '../gateway.config.js';
import { MessagesController } from './messages.controller.js';
import type { OutboundLimits } from './outbound-limits.js';

const actor: Actor = { userId: 'u-1', accountId: 'acct', scopes: ['conversation'] };
const attachment = (size: number) => ({ name: 'f', size, content_type: 'text/plain', storage_key: 'k' });

function controller(limit: number) {
  const sent: unknown[] = [];
  const commands = {
    send: async (_pattern: string, _actor: Actor, payload: unknown) => {
      sent.push(payload);
      return { created: true, message: { id: 'm-1' } };
    },
  } as unknown as CommandClient;
  const config = Object.assign(new GatewayConfig(), { ATTACHMENT_MAX_BYTES: limit });
  const response = { setHeader() {}, status() {} } as unknown as Response;
  // Chat sends only here: the outbound SMS and email budget never counts them.
  const outboundLimits = { consume: async () => undefined } as unknown as OutboundLimits;
  return { messages: new MessagesController(commands, config, outboundLimits, new DeniedAttachmentTypes(config)), sent, response };
}

describe('MessagesController attachment limit', () => {
  it('defaults to 25 MB', () => {
    expect(new GatewayConfig().ATTACHMENT_MAX_BYTES).toBe(25 * 1024 * 1024);
  });

  it('gives an attachment over the limit a 413 naming each one over it, and sends nothing', async () => {
    const { messages, sent, response } = controller(100);
    const body = { content: 'hi', attachments: [attachment(100), attachment(101), attachment(5), attachment(1000)] } as CreateMessageDto;
    const refused = await messages.create(actor, 'corr', '65a1b2c3d4e5f60718293a4b', body, response).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect((refused as AppError).details?.map((detail) => detail.field)).toEqual(['attachments.1.size', 'attachments.3.size']);
    expect(sent).toEqual([]);
  });

  it('gives a linked file of a denied type, by content_type or by its name, a 415 naming it, and sends nothing', async () => {
    const { messages, sent, response } = controller(100);
    const program = { url: 'https://files.example/a.exe', name: 'a.exe', size: 3, content_type: 'application/x-msdownload' };
    const renamed = { url: 'https://files.example/setup', name: 'setup.exe.', size: 3, content_type: 'application/octet-stream' };
    for (const [linked, field] of [[program, 'attachments.1.content_type'], [renamed, 'attachments.1.name']] as const) {
      const body = { content: 'hi', attachments: [attachment(5), linked] } as CreateMessageDto;
      const refused = await messages.create(actor, 'corr', '65a1b2c3d4e5f60718293a4b', body, response).catch((error: unknown) => error);
      expect(refused).toMatchObject({ statusCode: 415, details: [{ field }] });
    }
    expect(sent).toEqual([]);
  });

  it('passes attachments at the limit on to messaging', async () => {
    const { messages, sent, response } = controller(100);
    await messages.create(actor, 'corr', '65a1b2c3d4e5f60718293a4b', { content: 'hi', attachments: [attachment(100)] } as CreateMessageDto, response);
    expect(sent).toHaveLength(1);
  });
});
