import { describe, expect, it } from '@jest/globals';
import { plainTextOf } from './plain-text.js';

describe('plainTextOf', () => {
  it('gives an SMS or a text email the text a person wrote, not the stored HTML', () => {
    // What ContentSanitizer stores for `It ships today & costs < $5 <b>promise</b><br>See <a href="...">tracking</a>`.
    const stored = 'It ships today &amp; costs &lt; $5 <b>promise</b><br />See <a href="https://acme.example/t">tracking</a>';
    expect(plainTextOf(stored)).toBe('It ships today & costs < $5 promise\nSee tracking https://acme.example/t');
  });

  it('keeps paragraphs and list items apart', () => {
    expect(plainTextOf('<p>Hello</p><p>Your order:</p><ul><li>a lamp</li><li>a chair</li></ul>')).toBe('Hello\n\nYour order:\n\n * a lamp\n * a chair');
  });
});
