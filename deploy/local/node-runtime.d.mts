/** Types of node-runtime.mjs, for the TypeScript that imports it. */
export const NODE_VERSION: string;
export const NODE_WHEEL: string;
export function nodeForApps(options?: { cacheDir?: string; log?: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<{ path: string; version: string }>;
