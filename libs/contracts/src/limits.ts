/** Limits of design.md section 4, enforced at the edge and again where data is stored. */
export const Limits = {
  contentMaxLength: 5000,
  attachmentsMax: 10,
  clientMessageIdMaxLength: 100,
  pageSizeDefault: 50,
  pageSizeMax: 100,
} as const;
