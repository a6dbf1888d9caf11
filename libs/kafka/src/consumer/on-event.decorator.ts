import { EventPattern } from '@nestjs/microservices';
import { AllEventTopics, deadLetterTopic, type EventTopic } from '@parley/contracts';
import type { EventHandling } from './event-run.js';

/** Subscribes a handler method to one event topic; pair it with EventConsumer.handle. */
export const OnEvent = (topic: EventTopic, handling: EventHandling = {}): MethodDecorator => EventPattern<string>(topic, { ...handling });

/** Subscribes a handler method to every dead-letter topic (the app that keeps dead letters for operators). */
export const OnDeadLetters = (): MethodDecorator => EventPattern<string[]>(AllEventTopics.map(deadLetterTopic));
