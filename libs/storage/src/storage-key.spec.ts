import { describe, expect, it } from '@jest/globals';
import { accountOfStorageKey, fileNameOfStorageKey, newStorageKey, sanitizeFileName, storageKeyFor } from './storage-key.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('newStorageKey', () => {
  it('names the account, then a random uuid, then the file name', () => {
    const [account, id, name, ...rest] = newStorageKey('acct-1', 'plan.pdf').split('/');
    expect(account).toBe('acct-1');
    expect(id).toMatch(UUID);
    expect(name).toBe('plan.pdf');
    expect(rest).toEqual([]);
  });

  it('gives two uploads of the same name two keys', () => {
    expect(newStorageKey('acct-1', 'a.png')).not.toBe(newStorageKey('acct-1', 'a.png'));
  });

  it('escapes an account id so that it stays one segment and cannot pass for another account', () => {
    const key = newStorageKey('acme/../other', 'a.png');
    expect(key.split('/')).toHaveLength(3);
    expect(accountOfStorageKey(key)).toBe('acme/../other');
    expect(newStorageKey('..', 'a.png').split('/')[0]).toBe('%2E%2E');
  });

  it('refuses an empty account id', () => {
    expect(() => newStorageKey('', 'a.png')).toThrow(/account id/);
  });
});

describe('accountOfStorageKey', () => {
  it('reads the account back from a key it made', () => {
    expect(accountOfStorageKey(newStorageKey('acct-7', 'x.txt'))).toBe('acct-7');
    expect(accountOfStorageKey(newStorageKey('.', 'x.txt'))).toBe('.');
  });

  it('is null for keys of another shape or with a spelling of the account a new key would not have', () => {
    expect(accountOfStorageKey('acct-1/x.txt')).toBeNull();
    expect(accountOfStorageKey('acct-1/not-a-uuid/x.txt')).toBeNull();
    expect(accountOfStorageKey('acct-1/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/')).toBeNull();
    expect(accountOfStorageKey('%61cct/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/x.txt')).toBeNull();
    expect(accountOfStorageKey('%E0%A4%A/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/x.txt')).toBeNull();
    expect(accountOfStorageKey('acct-1/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/x.txt')).toBe('acct-1');
  });
});

describe('sanitizeFileName', () => {
  it('keeps an ordinary name as it is', () => {
    expect(sanitizeFileName('Floor-plan_v2.final.pdf')).toBe('Floor-plan_v2.final.pdf');
  });

  it('keeps only the last segment of a path, whichever the separator', () => {
    expect(sanitizeFileName('C:\\fakepath\\photo.jpg')).toBe('photo.jpg');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
  });

  it('drops accents and turns spaces and other characters into one underscore', () => {
    expect(sanitizeFileName('résumé final (1).pdf')).toBe('resume_final_1_.pdf');
    expect(sanitizeFileName('a  b?#%&c.txt')).toBe('a_b_c.txt');
    expect(sanitizeFileName('报告.docx')).toBe('docx');
  });

  it('leaves no leading dot, so no hidden file and no . or .. segment', () => {
    expect(sanitizeFileName('.env')).toBe('env');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('.')).toBe('file');
  });

  it('names a file with nothing usable in its name "file"', () => {
    expect(sanitizeFileName('')).toBe('file');
    expect(sanitizeFileName('???')).toBe('file');
    expect(sanitizeFileName('dir/')).toBe('file');
  });

  it('shortens a long name to 128 characters and keeps its extension', () => {
    const long = `${'a'.repeat(300)}.jpeg`;
    const safe = sanitizeFileName(long);
    expect(safe).toHaveLength(128);
    expect(safe.endsWith('.jpeg')).toBe(true);
    expect(sanitizeFileName('b'.repeat(300))).toBe('b'.repeat(128));
  });
});

describe('storageKeyFor', () => {
  it('makes the same key for the same id, readable back to its account', () => {
    const id = '0f1e2d3c-4b5a-4978-a877-665544332211';
    const key = storageKeyFor('acct 1', id, 'photo (1).JPG');
    expect(key).toBe(`acct%201/${id}/photo_1_.JPG`);
    expect(storageKeyFor('acct 1', id, 'photo (1).JPG')).toBe(key);
    expect(accountOfStorageKey(key)).toBe('acct 1');
  });

  it('refuses an id that is not a UUID, so keys keep one shape', () => {
    expect(() => storageKeyFor('acct', 'SM123/../x', 'f')).toThrow(/UUID/);
  });
});

describe('fileNameOfStorageKey', () => {
  it('is the safe file name a key was made with', () => {
    expect(fileNameOfStorageKey(newStorageKey('acme', 'C:\\fakepath\\Floor plan (v2).pdf'))).toBe('Floor_plan_v2_.pdf');
    expect(fileNameOfStorageKey(storageKeyFor('acme', '2c9037b1-6501-401e-9fda-da7e3f218643', 'a.txt'))).toBe('a.txt');
  });
});
