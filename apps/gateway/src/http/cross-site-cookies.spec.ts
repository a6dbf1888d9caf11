import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { AppError } from '@parley/contracts';
import { refuseCrossSiteCookieWrites } from './cross-site-cookies.js';

function outcome(corsOrigins: string, request: { method: string; headers: Record<string, string>; cookies?: Record<string, string> }): 'passed' | number {
  let result: 'passed' | number = 'passed';
  const headers = { host: 'api.parley.test', ...request.headers };
  const express = { ...request, headers, get: (name: string) => headers[name.toLowerCase() as keyof typeof headers] } as unknown as Request;
  refuseCrossSiteCookieWrites(corsOrigins)(express, {} as Response, (error?: unknown) => {
    if (error) result = (error as AppError).statusCode;
  });
  return result;
}

const cookie = { access_token: 'token' };

describe('a state-changing request authenticated by the cookie', () => {
  it('is refused from a page of another site, with * and with a list that does not name it', () => {
    for (const cors of ['*', 'https://app.parley.test']) {
      expect(outcome(cors, { method: 'POST', headers: { origin: 'https://evil.example' }, cookies: cookie })).toBe(403);
      expect(outcome(cors, { method: 'DELETE', headers: { origin: 'null' }, cookies: cookie })).toBe(403);
    }
  });

  it('passes from the gateway’s own pages (by host, whatever the scheme) and from a listed origin', () => {
    expect(outcome('*', { method: 'POST', headers: { origin: 'https://api.parley.test' }, cookies: cookie })).toBe('passed');
    expect(outcome('https://app.parley.test', { method: 'PATCH', headers: { origin: 'https://app.parley.test' }, cookies: cookie })).toBe('passed');
  });

  it('leaves alone reads, Bearer-authenticated requests, requests without the cookie and requests without an Origin (no browser page)', () => {
    expect(outcome('*', { method: 'GET', headers: { origin: 'https://evil.example' }, cookies: cookie })).toBe('passed');
    expect(outcome('*', { method: 'POST', headers: { origin: 'https://evil.example', authorization: 'Bearer x' }, cookies: cookie })).toBe('passed');
    expect(outcome('*', { method: 'POST', headers: { origin: 'https://evil.example' } })).toBe('passed');
    expect(outcome('*', { method: 'POST', headers: {}, cookies: cookie })).toBe('passed');
  });
});
