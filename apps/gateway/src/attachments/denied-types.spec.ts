import { describe, expect, it } from '@jest/globals';
import { GatewayConfig } from '../gateway.config.js';
import { DeniedAttachmentTypes } from './denied-types.js';

const denying = (list: string) => new DeniedAttachmentTypes(Object.assign(new GatewayConfig(), { ATTACHMENT_DENIED_TYPES: list }));

describe('DeniedAttachmentTypes', () => {
  it('denies Windows executables by default, and lets documents through', () => {
    const types = new DeniedAttachmentTypes(new GatewayConfig());
    expect(types.deniedEntry('application/x-msdownload')).toBe('application/x-msdownload');
    expect(types.deniedEntry('application/pdf')).toBeNull();
  });

  it('matches a declared type whatever its case and parameters, and names the list entry', () => {
    const types = denying(' Application/X-Sh ,text/x-shellscript');
    expect(types.deniedEntry('APPLICATION/x-sh; charset=utf-8')).toBe('application/x-sh');
    expect(types.deniedEntry('text/x-shellscript')).toBe('text/x-shellscript');
  });

  it('decides by the declared type alone: a generic type passes whatever the file is called', () => {
    expect(denying('application/x-msdownload').deniedEntry('application/octet-stream')).toBeNull();
  });

  it('denies nothing when the list is empty', () => {
    expect(denying('').deniedEntry('')).toBeNull();
  });
});
