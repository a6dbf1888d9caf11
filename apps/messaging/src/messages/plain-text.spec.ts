import { describe, expect, it } from '@jest/globals';
import { plainTextOf, showsAnything } from './plain-text.js';

describe('plainTextOf', () => {
  it('gives an SMS or a text email the text a person wrote, not the stored HTML', () => {
    // What ContentSanitizer stores for `It ships today & costs < $5 <b>promise</b><br>See <a href="...">tracking</a>`.
    const stored = 'It ships today &amp; costs &lt; $5 <b>promise</b><br />See <a href="https://acme.example/t">tracking</a>';
    expect(plainTextOf(stored)).toBe('It ships today & costs < $5 promise\nSee tracking https://acme.example/t');
  });

  it('gives text without markup or entities back as it is, line breaks kept', () => {
    expect(plainTextOf('  Your order ships today.\nTracking follows.  ')).toBe('Your order ships today.\nTracking follows.');
  });

  it('keeps the line breaks typed in a text that holds an entity or markup', () => {
    // What ContentSanitizer stores for `Order #5 & #6\nship Monday\n\nReply <b>STOP</b>`.
    expect(plainTextOf('Order #5 &amp; #6\nship Monday\n\nReply <b>STOP</b>')).toBe('Order #5 & #6\nship Monday\n\nReply STOP');
    expect(plainTextOf('Price is 5 &lt; 6\r\nThanks')).toBe('Price is 5 < 6\nThanks');
  });

  it('keeps paragraphs and list items apart', () => {
    expect(plainTextOf('<p>Hello</p><p>Your order:</p><ul><li>a lamp</li><li>a chair</li></ul>')).toBe('Hello\n\nYour order:\n\n * a lamp\n * a chair');
  });
});

describe('showsAnything', () => {
  it('sees nothing in empty paragraphs, breaks, white space and zero-width characters', () => {
    for (const content of ['<br /><p></p>', '<p> </p>&nbsp;', '\u200b\u200c\u200d\u2060\ufeff', '<b>\u200b</b>']) expect(showsAnything(content)).toBe(false);
  });

  it('sees a letter, an emoji (joined ones too) or a link', () => {
    for (const content of ['a', '<p>😀</p>', '👩\u200d💻', '<a href="https://acme.example">x</a>', '.']) expect(showsAnything(content)).toBe(true);
  });
});
