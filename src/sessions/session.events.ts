/**
 * Sessions that ended, announced by SessionsService after the write (inside the caller's
 * transaction when there is one) for features that hold something per session, such as open
 * WebSockets. Emitted with `emit`: a listener cannot fail or hold the revocation.
 */
export const SESSIONS_REVOKED = 'sessions.revoked';

/** One session (`sessionId`), or every session of `userId` except `exceptSessionId`. */
export class SessionsRevoked {
  constructor(
    readonly target:
      { sessionId: string } | { userId: number; exceptSessionId?: string | undefined },
  ) {}
}
