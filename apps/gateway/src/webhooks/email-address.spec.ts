import { describe, expect, it } from '@jest/globals';
import { firstMailAddress, messageIdOf } from './email-address.js';

describe('mail headers of Inbound Parse', () => {
  it('reads a named address, a bare one, and the first of several', () => {
    expect(firstMailAddress('"Dana Doe" <Dana@Example.com>')).toEqual({ address: 'dana@example.com', name: 'Dana Doe' });
    expect(firstMailAddress('help@acme.test')).toEqual({ address: 'help@acme.test' });
    expect(firstMailAddress('Help <help@acme.test>, other@acme.test')).toEqual({ address: 'help@acme.test', name: 'Help' });
  });

  it('gives null for a header without an address', () => {
    expect(firstMailAddress('undisclosed-recipients:;')).toBeNull();
    expect(firstMailAddress(undefined)).toBeNull();
  });

  it('finds the Message-ID in a raw headers block', () => {
    expect(messageIdOf('Subject: hi\r\nMessage-ID: <abc.123@mail.example>\r\nTo: x@y')).toBe('abc.123@mail.example');
    expect(messageIdOf('Subject: hi')).toBeNull();
  });
});
