import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io';
import { accountRoom, conversationRoom, handshakeToken } from './socket-identity.js';

function handshake(parts: { auth?: object; headers?: object; query?: object }): Pick<Socket, 'handshake'> {
  return { handshake: { auth: {}, headers: {}, query: {}, ...parts } } as unknown as Pick<Socket, 'handshake'>;
}

describe('handshakeToken', () => {
  it('reads auth.token first', () => {
    expect(handshakeToken(handshake({ auth: { token: 'a' }, headers: { authorization: 'Bearer b' }, query: { access_token: 'c' } }))).toBe('a');
  });

  it('falls back to a Bearer Authorization header, then to the access_token query parameter', () => {
    expect(handshakeToken(handshake({ headers: { authorization: 'Bearer b' }, query: { access_token: 'c' } }))).toBe('b');
    expect(handshakeToken(handshake({ headers: { authorization: 'bearer   b' } }))).toBe('b');
    expect(handshakeToken(handshake({ query: { access_token: 'c' } }))).toBe('c');
  });

  it('finds none in an empty handshake, a non-Bearer header or a token that is not text', () => {
    expect(handshakeToken(handshake({}))).toBeUndefined();
    expect(handshakeToken(handshake({ headers: { authorization: 'Basic dXNlcjpwdw==' } }))).toBeUndefined();
    expect(handshakeToken(handshake({ auth: { token: 42 }, query: { access_token: ['x', 'y'] } }))).toBeUndefined();
  });
});

describe('room names', () => {
  it('carry the account, so the same conversation id under another account is another room', () => {
    expect(conversationRoom('acc-1', 'c1')).toBe('conversation:acc-1:c1');
    expect(conversationRoom('acc-2', 'c1')).not.toBe(conversationRoom('acc-1', 'c1'));
    expect(accountRoom('acc-1')).toBe('account:acc-1');
  });
});
