import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  MessagingPatterns,
  type CommandMessage,
  type FavoriteListPayload,
  type FavoriteMessageView,
  type FavoriteSetPayload,
  type Page,
} from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { FavoritesService } from './favorites.service.js';

/** Favorite-message commands and queries from the gateway. */
@Controller()
export class FavoritesHandler {
  constructor(private readonly favorites: FavoritesService) {}

  @MessagePattern(MessagingPatterns.FavoriteSet)
  set(@Payload() command: CommandMessage<FavoriteSetPayload>, @Ctx() context: KafkaContext): Promise<{ message_id: string; favorite: boolean }> {
    return this.favorites.set(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(MessagingPatterns.FavoriteList)
  list(@Payload() command: CommandMessage<FavoriteListPayload>): Promise<Page<FavoriteMessageView>> {
    return this.favorites.list(command.actor, command.payload);
  }
}
