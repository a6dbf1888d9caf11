import { Injectable } from '@nestjs/common';
import type { DependencyProbe } from '@parley/platform';
import { KafkaConnection } from './kafka-connection.js';

/** Health of Kafka: the cluster answers a metadata request. */
@Injectable()
export class KafkaProbe implements DependencyProbe {
  readonly name = 'kafka';

  constructor(private readonly kafka: KafkaConnection) {}

  async probe(): Promise<Record<string, unknown>> {
    return this.kafka.ping();
  }
}
