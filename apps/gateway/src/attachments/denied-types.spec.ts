import { describe, expect, it } from '@jest/globals';
import { GatewayConfig } from '../gateway.config.js';
import { DeniedAttachmentTypes } from './denied-types.js';

const denying = (list: string) => new DeniedAttachmentTypes(Object.assign(new GatewayConfig(), { ATTACHMENT_DENIED_TYPES: list }));

describe('DeniedAttachmentTypes', () => {
  it('denies Windows executables by default, and lets documents through', () => {
    const types = new DeniedAttachmentTypes(new GatewayConfig());
    expect(types.deniedEntry('application/x-msdownload')).toEqual({ type: 'application/x-msdownload', by: 'content_type' });
    expect(types.deniedEntry('application/pdf')).toBeNull();
  });

  it('matches a declared type whatever its case and parameters, and names the list entry', () => {
    const types = denying(' Application/X-Sh ,text/x-shellscript');
    expect(types.deniedEntry('APPLICATION/x-sh; charset=utf-8')).toEqual({ type: 'application/x-sh', by: 'content_type' });
    expect(types.deniedEntry('text/x-shellscript', 'run.sh')).toEqual({ type: 'text/x-shellscript', by: 'content_type' });
  });

  it("refuses a file whose name's extension stands for a listed type, whatever type it declares", () => {
    const types = new DeniedAttachmentTypes(new GatewayConfig());
    expect(types.deniedEntry('application/octet-stream', 'setup.EXE')).toEqual({ type: 'application/x-msdos-program', by: 'name' });
    expect(types.deniedEntry('text/plain', 'install.sh')).toEqual({ type: 'application/x-sh', by: 'name' });
    expect(types.deniedEntry('application/octet-stream', 'report.pdf')).toBeNull();
    expect(types.deniedEntry('application/octet-stream', 'no-extension')).toBeNull();
    expect(types.deniedEntry('application/octet-stream')).toBeNull();
  });

  it('reads a name as Windows saves it, without trailing dots and spaces', () => {
    const types = new DeniedAttachmentTypes(new GatewayConfig());
    for (const name of ['setup.exe.', 'setup.exe...', 'setup.exe. .', 'x.bat.']) {
      expect([name, types.deniedEntry('application/octet-stream', name)?.by]).toEqual([name, 'name']);
    }
    expect(types.deniedEntry('application/octet-stream', 'notes.txt.')).toBeNull();
  });

  it('denies nothing when the list is empty', () => {
    expect(denying('').deniedEntry('')).toBeNull();
  });
});
