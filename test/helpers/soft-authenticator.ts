import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';

/**
 * A software WebAuthn authenticator for tests: one ES256 key per credential (node:crypto), 'none'
 * attestation, user presence and verification always given. It builds what a browser would send
 * (the PublicKeyCredential JSON of navigator.credentials.create() and .get()) for an `origin`.
 */

type Json = Record<string, unknown>;

/** The little CBOR (RFC 8949) the attestation object and a COSE key need. */
function cbor(value: number | string | Uint8Array | Map<number | string, unknown>): Buffer {
  const head = (major: number, length: number) => {
    if (length < 24) return Buffer.from([(major << 5) | length]);
    if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
    const buffer = Buffer.alloc(3);
    buffer[0] = (major << 5) | 25;
    buffer.writeUInt16BE(length, 1);
    return buffer;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [key, item] of value) {
    parts.push(cbor(key), cbor(item as Parameters<typeof cbor>[0]));
  }
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer) => data.toString('base64url');

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface SoftCredential {
  id: Buffer;
  key: KeyObject;
  userHandle: string;
  counter: number;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(
    readonly origin: string,
    readonly rpId = 'localhost',
  ) {}

  /**
   * navigator.credentials.create(): a new discoverable credential for the options' user, or
   * `reuse`'s again (as an authenticator that ignores excludeCredentials would).
   */
  create(
    options: Json,
    { origin = this.origin, reuse }: { origin?: string; reuse?: SoftCredential } = {},
  ): Json {
    const { privateKey, publicKey } = reuse
      ? { privateKey: reuse.key, publicKey: createPublicKey(reuse.key) }
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<number, unknown>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const id = reuse?.id ?? randomBytes(16);
    if (!reuse) {
      this.credentials.push({
        id,
        key: privateKey,
        userHandle: (options.user as { id: string }).id,
        counter: 0,
      });
    }
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(this.rpId),
      Buffer.from([UP | UV | AT]),
      Buffer.alloc(4), // signCount 0
      Buffer.alloc(16), // aaguid
      idLength,
      id,
      coseKey,
    ]);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options, origin)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  /**
   * navigator.credentials.get() with `credential` (the last created by default); the signature
   * counter grows by one unless `counter` says what to send.
   */
  get(
    options: Json,
    {
      origin = this.origin,
      credential = this.credentials.at(-1)!,
      counter,
    }: { origin?: string; credential?: SoftCredential; counter?: number } = {},
  ): Json {
    credential.counter = counter ?? credential.counter + 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(credential.counter);
    const authData = Buffer.concat([sha256(this.rpId), Buffer.from([UP | UV]), count]);
    const clientDataJSON = this.clientData('webauthn.get', options, origin);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      credential.key,
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  private clientData(type: string, options: Json, origin: string): Buffer {
    return Buffer.from(
      JSON.stringify({ type, challenge: options.challenge, origin, crossOrigin: false }),
    );
  }
}
