/** How long the gateway waits for an app's reply before answering 504; apps drop older commands. */
export const COMMAND_TIMEOUT_MS = 10_000;
