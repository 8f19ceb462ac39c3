/**
 * What happens to an account, announced by UsersService for other features to react to (sessions,
 * mailed links). Emitted with `emitAsync` inside the change's transaction: a listener's writes
 * commit with it, and a listener that throws rolls it back.
 */
export const USER_PASSWORD_CHANGED = 'user.password_changed';
export const USER_DEACTIVATED = 'user.deactivated';
export const USER_DELETED = 'user.deleted';

export class UserPasswordChanged {
  /** `keepSessionId`: the session that made the change stays signed in (none for a reset). */
  constructor(
    readonly userId: number,
    readonly keepSessionId?: string,
  ) {}
}

export class UserDeactivated {
  constructor(readonly userId: number) {}
}

export class UserDeleted {
  constructor(readonly userId: number) {}
}
