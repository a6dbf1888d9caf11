/** Types of schemathesis.mjs, for the TypeScript that imports it (the contract test). */
export const SCHEMATHESIS_VERSION: string;
/** How to run the installed schemathesis: `command ...args <its arguments>`, with env added to the environment. */
export interface SchemathesisRunner {
  version: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}
export function ensureSchemathesis(options?: { cacheDir?: string; log?: (line: string) => void; python?: string }): Promise<SchemathesisRunner>;
