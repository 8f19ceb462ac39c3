/**
 * A public key that verifies our access tokens (RFC 7517 §4). Which members it has depends on
 * `kty`: OKP (EdDSA) has `crv` and `x`, EC (ES256) `crv`, `x` and `y`, RSA (RS256) `n` and `e`.
 */
export class JwkDto {
  /** Key type. @example OKP */
  kty: string;
  /** The key's RFC 7638 thumbprint; an access token names its key in the `kid` header. @example hJ0qQ3x8Wc1O1rYw2vX5y3bqk3eU0wq6l8s9dZ1fG4M */
  kid: string;
  /** @example EdDSA */
  alg: string;
  /** @example sig */
  use: 'sig';
  /** Curve (OKP, EC). @example Ed25519 */
  crv?: string;
  /** Public key (OKP), x coordinate (EC), base64url. @example 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo */
  x?: string;
  /** y coordinate (EC), base64url. */
  y?: string;
  /** Modulus (RSA), base64url. */
  n?: string;
  /** Exponent (RSA), base64url. @example AQAB */
  e?: string;
}

/** RFC 7517 §5 JWK Set: the signing key first, then previous keys still accepted. Empty with HS256. */
export class JwksDto {
  keys: JwkDto[];
}
