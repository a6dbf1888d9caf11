import { describe, expect, it } from '@jest/globals';
import { AppError, type AttachmentView } from '@parley/contracts';
import { applyContentPolicy } from './contact-details.js';

const allow = { phones: 'allow', emails: 'allow', links: 'allow' } as const;

describe('applyContentPolicy', () => {
  it('leaves a message as it is when the account allows everything', () => {
    expect(applyContentPolicy('call +1 415 555 0100', allow)).toEqual({ content: 'call +1 415 555 0100' });
  });

  it('masks phone numbers, email addresses and links the policy masks, and says which', () => {
    const result = applyContentPolicy('Call (415) 555-0199 or mail bob@example.com, see www.bobs-deals.com', { phones: 'mask', emails: 'mask', links: 'mask' });
    expect(result.content).toBe('Call [phone number hidden] or mail [email address hidden], see [link hidden]');
    expect(result.policy?.masked.sort()).toEqual(['emails', 'links', 'phones']);
  });

  it('masks only the kinds masked, leaving allowed ones', () => {
    const result = applyContentPolicy('mail bob@example.com or +44 20 7946 0958', { ...allow, phones: 'mask' });
    expect(result.content).toBe('mail bob@example.com or [phone number hidden]');
    expect(result.policy).toEqual({ masked: ['phones'] });
  });

  it('refuses with 422 naming the rule a message with a refused kind', () => {
    let refusal: unknown;
    try {
      applyContentPolicy('pay me at https://pay.example/x', { ...allow, links: 'refuse' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ statusCode: 422, code: 'CONTENT_REFUSED' });
    expect((refusal as AppError).message).toMatch(/links refuse/);
  });

  it('finds details that markup splits or hides, and stores a masked message as its text, escaped', () => {
    // What ContentSanitizer stores for `415<b></b>-555-0100`, `bob<i></i>@example.com` and a link's href.
    expect(() => applyContentPolicy('call 415<b></b>-555-0100', { ...allow, phones: 'refuse' })).toThrow(AppError);
    expect(() => applyContentPolicy('<a href="https://pay.example/x">here</a>', { ...allow, links: 'refuse' })).toThrow(AppError);
    expect(applyContentPolicy('<a href="https://pay.example/x">here</a>', { ...allow, links: 'mask' }).content).toBe('here [link hidden]');
    const result = applyContentPolicy('mail bob<i></i>@example.com &amp; <b>Tom</b> &lt;3', { ...allow, emails: 'mask' });
    expect(result).toEqual({ content: 'mail [email address hidden] &amp; Tom &lt;3', policy: { masked: ['emails'] } });
  });

  it('keeps the formatting of a message with nothing to mask', () => {
    expect(applyContentPolicy('<b>Still</b> available &amp; boxed', { phones: 'mask', emails: 'mask', links: 'mask' })).toEqual({ content: '<b>Still</b> available &amp; boxed' });
  });

  it('treats an attachment given by url as a link: refused or left out as the links rule says, an uploaded file kept', () => {
    const link: AttachmentView = { name: 'deal.pdf', size: 10, content_type: 'application/pdf', url: 'https://pay.example/deal.pdf' };
    const upload: AttachmentView = { name: 'photo.jpg', size: 10, content_type: 'image/jpeg', storage_key: 'acc/photo.jpg' };
    expect(() => applyContentPolicy('see attached', { ...allow, links: 'refuse' }, [link])).toThrow(/links refuse/);
    expect(applyContentPolicy('see attached', { ...allow, links: 'mask' }, [link, upload])).toEqual({ content: 'see attached', policy: { masked: ['links'] }, attachments: [upload] });
    expect(applyContentPolicy('see attached', { ...allow, links: 'refuse' }, [upload])).toEqual({ content: 'see attached', attachments: [upload] });
    expect(applyContentPolicy('see attached', allow, [link])).toEqual({ content: 'see attached', attachments: [link] });
  });
});
