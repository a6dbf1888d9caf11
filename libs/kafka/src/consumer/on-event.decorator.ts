import { EventPattern } from '@nestjs/microservices';
import { AllEventTopics, deadLetterTopic, type EventTopic } from '@parley/contracts';

/** Subscribes a handler method to one event topic; pair it with EventConsumer.handle. */
export const OnEvent = (topic: EventTopic): MethodDecorator => EventPattern<string>(topic);

/** Subscribes a handler method to every dead-letter topic (the app that keeps dead letters for operators). */
export const OnDeadLetters = (): MethodDecorator => EventPattern<string[]>(AllEventTopics.map(deadLetterTopic));
