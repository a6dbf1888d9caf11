import { EventPattern } from '@nestjs/microservices';
import type { EventTopic } from '@parley/contracts';

/** Subscribes a handler method to one event topic; pair it with EventConsumer.handle. */
export const OnEvent = (topic: EventTopic): MethodDecorator => EventPattern<string>(topic);
