/** Types of chromium.mjs, for the TypeScript that imports it (the console's browser test). */
export const CHROMIUM_PATH: string;
export function ensureChromium(options?: { log?: (line: string) => void }): Promise<string>;
