/**
 * A presigned upload: PUT the file's bytes to `upload_url` with `headers` before `expires_at`, then
 * reference `storage_key` in a message's attachments. The storage refuses (403) other bytes, another
 * size or type, or a changed URL.
 */
export interface AttachmentUploadView {
  storage_key: string;
  upload_url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expires_at: string;
}
