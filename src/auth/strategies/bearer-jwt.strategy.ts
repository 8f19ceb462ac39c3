import type { JWTHeaderParameters, JWTPayload } from 'jose';
import passport from 'passport';
import { ExtractJwt } from 'passport-jwt';

export interface VerifiedJwt {
  header: JWTHeaderParameters;
  payload: JWTPayload;
}

type Verified = (error: unknown, principal?: unknown, info?: unknown) => void;

/** The request carried no bearer token at all (RFC 6750 §3.1: answered without an error code). */
export class MissingBearerTokenError extends Error {
  constructor() {
    super('No bearer token');
    this.name = 'MissingBearerTokenError';
  }
}

const fromBearerHeader = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt's flow with a pluggable async verifier: passport-jwt can only verify through
 * jsonwebtoken, which has no EdDSA. No bearer token → fail(MissingBearerTokenError); a token the verifier
 * refuses → fail(its error); otherwise the verified JWT goes to the strategy's validate().
 */
export class BearerJwtStrategy extends passport.Strategy {
  override name = 'jwt';

  constructor(
    private readonly verifyToken: (token: string) => Promise<VerifiedJwt>,
    private readonly verified: (jwt: VerifiedJwt, done: Verified) => void,
  ) {
    super();
  }

  override authenticate(request: Parameters<typeof fromBearerHeader>[0]): void {
    const token = fromBearerHeader(request);
    if (!token) return this.fail(new MissingBearerTokenError());
    void this.verifyToken(token).then(
      (jwt) =>
        this.verified(jwt, (error, principal, info) => {
          if (error) this.error(error as Error);
          else if (!principal) this.fail(info as Error);
          else this.success(principal, info as object);
        }),
      (error: Error) => this.fail(error),
    );
  }
}
