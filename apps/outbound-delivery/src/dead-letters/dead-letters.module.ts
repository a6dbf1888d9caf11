import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DeadLetter, DeadLetterSchema } from '@parley/database';
import { DeadLettersHandler } from './dead-letters.handler.js';
import { DeadLettersService } from './dead-letters.service.js';
import { DeadLettersRepository } from './dead-letters.repository.js';

/** The dead letters of every app (`ops.dead_letters`): kept from the dead-letter topics, listed and replayed for operators. */
@Module({
  imports: [MongooseModule.forFeature([{ name: DeadLetter.name, schema: DeadLetterSchema }])],
  controllers: [DeadLettersHandler],
  providers: [DeadLettersService, DeadLettersRepository],
})
export class DeadLettersModule {}
