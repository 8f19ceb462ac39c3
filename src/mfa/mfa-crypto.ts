import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/configuration.js';

// 32 letters and digits without l, o, 0 and 1, which read alike: 5 random bits each.
const CODE_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const RECOVERY_CODE_LENGTH = 10; // 50 bits

/** A recovery code as typed: any case, with or without its hyphen and spaces. */
export const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * Keys derived from JWT_SECRET: AES-256-GCM for TOTP secrets at rest (the user id is the
 * associated data, so a row copied to another account does not decrypt), HMAC-SHA256 for
 * recovery codes (50 random bits each: a keyed fast hash suffices, no password hash needed).
 */
@Injectable()
export class MfaCrypto {
  private readonly encryptionKey: Buffer;
  private readonly codeKey: Buffer;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    const derive = (purpose: string) =>
      createHmac('sha256', config.secret).update(purpose).digest();
    this.encryptionKey = derive('totp-secret-encryption');
    this.codeKey = derive('recovery-code-hash');
  }

  encryptSecret(secret: Uint8Array, userId: number): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv).setAAD(aad(userId));
    const sealed = Buffer.concat([cipher.update(secret), cipher.final()]);
    return ['v1', iv, sealed, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decryptSecret(stored: string, userId: number): Uint8Array {
    const [, iv, sealed, tag] = stored.split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv)
      .setAAD(aad(userId))
      .setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  }

  /** Fresh recovery codes as the user sees them: "abcde-fghij". */
  newRecoveryCodes(count: number): string[] {
    return Array.from({ length: count }, () => {
      const chars = Array.from(
        randomBytes(RECOVERY_CODE_LENGTH),
        (byte) => CODE_ALPHABET[byte & 31],
      );
      return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
    });
  }

  hashRecoveryCode(code: string): string {
    return createHmac('sha256', this.codeKey).update(normalizeRecoveryCode(code)).digest('hex');
  }
}

const aad = (userId: number) => Buffer.from(`totp_factors:${userId}`);
