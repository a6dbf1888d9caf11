import type { FavoriteMessageView } from '@parley/contracts';
import { toMessageView, type StoredMessage } from '../messages/message.view.js';
import type { StoredFavorite } from './favorites.repository.js';

/** A favorite with its message as the API shows it. */
export function toFavoriteView(favorite: StoredFavorite, message: StoredMessage): FavoriteMessageView {
  return {
    message_id: favorite.message_id.toHexString(),
    room_id: favorite.room_id.toHexString(),
    favorited_at: favorite.favorited_at.toISOString(),
    message: toMessageView(message),
  };
}
