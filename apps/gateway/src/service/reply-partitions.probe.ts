import { Injectable } from '@nestjs/common';
import { CommandClient } from '@parley/kafka';
import type { DependencyProbe } from '@parley/platform';

/** The gateway is ready only once its reply consumer reads the reply topic, or replies would be lost. */
@Injectable()
export class ReplyPartitionsProbe implements DependencyProbe {
  readonly name = 'kafka-replies';

  constructor(private readonly commands: CommandClient) {}

  async probe(): Promise<Record<string, unknown>> {
    if (!this.commands.isReady()) throw new Error('no reply partition assigned yet');
    return { assigned: true };
  }
}
