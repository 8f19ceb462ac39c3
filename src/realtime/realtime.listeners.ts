import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  RECIPE_CREATED,
  RECIPE_DELETED,
  RECIPE_UPDATED,
  type RecipeChanged,
} from '../recipes/recipe.events.js';
import { SESSIONS_REVOKED, type SessionsRevoked } from '../sessions/session.events.js';
import { USER_DELETED, type UserDeleted } from '../users/user.events.js';
import { RealtimeBus } from './realtime-bus.js';

/** What the other features announce, passed to every instance's sockets through the bus. */
@Injectable()
export class RealtimeListeners {
  constructor(private readonly bus: RealtimeBus) {}

  // Serialized once here, sent as the same text to every socket of every instance.
  @OnEvent(RECIPE_CREATED)
  @OnEvent(RECIPE_UPDATED)
  @OnEvent(RECIPE_DELETED)
  onRecipe({ type, recipe, at }: RecipeChanged): void {
    const message = JSON.stringify({ type, data: recipe, at: at.toISOString() });
    this.bus.publish({ kind: 'event', message });
  }

  // Logout, a session deleted, a password change, a deactivation, a refresh token reused.
  @OnEvent(SESSIONS_REVOKED)
  onSessionsRevoked({ target }: SessionsRevoked): void {
    this.bus.publish({ kind: 'revoke', target });
  }

  // The account's sessions go with it (ON DELETE CASCADE), without a revocation to announce.
  @OnEvent(USER_DELETED)
  onUserDeleted({ userId }: UserDeleted): void {
    this.bus.publish({ kind: 'revoke', target: { userId } });
  }
}
