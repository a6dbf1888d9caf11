/** One address of a mail header (`Dana <dana@example.com>`, or a bare address), lower-cased. */
export interface MailAddress {
  address: string;
  name?: string;
}

/** The first address of a To or From header as Inbound Parse passes it; null when there is none. */
export function firstMailAddress(header: string | undefined): MailAddress | null {
  if (!header) return null;
  const first = header.split(',')[0].trim();
  const angled = /^(.*?)<([^>]+)>$/.exec(first);
  const address = (angled ? angled[2] : first).trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) return null;
  const name = angled?.[1].trim().replace(/^"(.*)"$/, '$1');
  return name ? { address, name } : { address };
}

/** The Message-ID of the raw headers block Inbound Parse passes, without its angle brackets. */
export function messageIdOf(headers: string | undefined): string | null {
  const match = /^message-id:\s*<?([^>\r\n]+)>?/im.exec(headers ?? '');
  return match ? match[1].trim() : null;
}
