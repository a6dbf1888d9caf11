import pino, { type DestinationStream } from 'pino';

/** What LogDestination writes through: pino's own synchronous destination (sonic-boom) in production. */
export interface LogSink {
  write(data: string): unknown;
}

/** pino's level numbers from `error` up: written at once, with every line before them. */
const URGENT_LEVEL = 50;

/**
 * Where every app's log lines go: stdout, in one synchronous write per turn of the event loop. At
 * `info` an app writes an access line per request or message handled, several per turn under load;
 * pino's default destination hands each to libuv's thread pool as it comes (an asynchronous write,
 * later lines gathered while one is under way), which cost the apps 2-4% more CPU per message
 * (npm run bench, alternated runs). Errors and fatals are written at once, with the lines before
 * them, so a process that dies right after one (a failpoint's SIGKILL, a crash) has said why; the
 * rest is written on exit. What a SIGKILL can take is the info lines of the turn it lands in.
 */
export class LogDestination implements DestinationStream {
  // Asks pino for each line's level (pino sets lastLevel before calling write).
  readonly [pino.symbols.needsMetadataGsym] = true;
  lastLevel = 0;
  private pending = '';
  private flushScheduled = false;

  constructor(private readonly sink: LogSink = pino.destination({ dest: 1, sync: true })) {}

  write(line: string): void {
    this.pending += line;
    if (this.lastLevel >= URGENT_LEVEL) {
      this.flush();
      return;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes what is pending now, in one write. */
  flush(): void {
    if (!this.pending) return;
    const lines = this.pending;
    this.pending = '';
    this.sink.write(lines);
  }
}

let appDestination: LogDestination | undefined;

/** The one destination of an app's logger (loggerParams), on stdout; what is pending when the process exits is written then. */
export function appLogDestination(): LogDestination {
  if (!appDestination) {
    const destination = new LogDestination();
    process.on('exit', () => destination.flush());
    appDestination = destination;
  }
  return appDestination;
}
