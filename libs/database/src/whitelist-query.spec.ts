import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parley/contracts';
import { whitelistQuery, type QueryField } from './whitelist-query.js';

const text: QueryField['cast'] = (value, field) => {
  if (typeof value !== 'string') throw AppError.badRequest(field, `${field} must be text`);
  return value;
};
const fields = { senderId: { path: 'user_id', cast: text }, content: { path: 'content', cast: text } };

function refusal(query: Record<string, unknown>): string {
  try {
    whitelistQuery(query, fields);
  } catch (error) {
    return (error as AppError).details?.[0]?.field ?? 'no field';
  }
  throw new Error('expected a 400');
}

describe('whitelistQuery', () => {
  it('maps equality and $in on known fields onto their stored paths', () => {
    expect(whitelistQuery({ senderId: 'u1', content: { $in: ['a', 'b'] } }, fields)).toEqual({ user_id: 'u1', content: { $in: ['a', 'b'] } });
  });

  it('refuses operators, unknown fields, other comparisons and an empty query, naming each', () => {
    expect(refusal({ $where: 'sleep(1000)' })).toBe('query.$where');
    expect(refusal({ $expr: { $eq: [1, 1] } })).toBe('query.$expr');
    expect(refusal({ account_id: 'other' })).toBe('query.account_id');
    expect(refusal({ content: { $regex: '.*' } })).toBe('query.content');
    expect(refusal({ content: { $in: ['a'], $ne: 'b' } })).toBe('query.content');
    expect(refusal({ senderId: { $in: [{ $gt: '' }] } })).toBe('query.senderId');
    expect(refusal({})).toBe('query');
  });
});
