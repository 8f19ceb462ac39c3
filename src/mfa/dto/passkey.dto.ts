import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Equals,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A PublicKeyCredential as JSON (WebAuthn Level 3 `toJSON()`, or @simplewebauthn/browser's
 * startRegistration/startAuthentication): what the authenticator answered to the options.
 */
export class PublicKeyCredentialDto {
  /** The credential id, base64url. @example "hU7R8cKqS0yJx4Wc9Y0m8w" */
  @IsString()
  @MinLength(1)
  @MaxLength(1400)
  @Matches(BASE64URL, { message: 'id must be base64url' })
  id: string;

  /** The same id, base64url. @example "hU7R8cKqS0yJx4Wc9Y0m8w" */
  @IsString()
  @MaxLength(1400)
  @Matches(BASE64URL, { message: 'rawId must be base64url' })
  rawId: string;

  /** Always "public-key". @example "public-key" */
  @Equals('public-key')
  type: 'public-key';

  /**
   * The authenticator's response: clientDataJSON with attestationObject (registration) or with
   * authenticatorData, signature and userHandle (login), each base64url; transports optional.
   */
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  response: Record<string, unknown>;

  /** "platform" or "cross-platform". @example "platform" */
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';

  /** Extension outputs; {} when none. @example {} */
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  clientExtensionResults: Record<string, unknown>;
}

export class RegisterPasskeyDto {
  /** The answer of navigator.credentials.create() to the registration options. */
  @ValidateNested()
  @Type(() => PublicKeyCredentialDto)
  response: PublicKeyCredentialDto;

  /** A name to tell passkeys apart; default "Passkey". @example "Laptop" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class PasskeyLoginDto {
  /** The `challenge_id` of the login options answered. @example "Qm9uam91ciBsZSBtb25kZQ" */
  @IsString()
  @MaxLength(32)
  challenge_id: string;

  /** The answer of navigator.credentials.get() to the login options. */
  @ValidateNested()
  @Type(() => PublicKeyCredentialDto)
  response: PublicKeyCredentialDto;
}

/** A registered passkey. */
export class PasskeyDto {
  /** @example 3 */
  @ApiProperty({ type: 'integer' })
  id: number;
  /** @example "Laptop" */
  name: string;
  /** @example "2026-01-31T12:00:00.000Z" */
  created_at: Date;
  /** The last login with it; null before the first. @example "2026-02-01T08:30:00.000Z" */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at: Date | null;
  /** Whether it is a synced passkey ("multiDevice") or bound to one authenticator. @example "multiDevice" */
  @ApiProperty({ enum: ['singleDevice', 'multiDevice'] })
  device_type: string;
  /** Whether the authenticator says it is backed up. @example true */
  backed_up: boolean;
  /** How the browser can reach the authenticator. @example ["internal", "hybrid"] */
  @ApiProperty({ type: [String] })
  transports: string[];
}

/**
 * WebAuthn options for navigator.credentials.create() or .get() in their JSON form
 * (PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON): binary
 * values (challenge, user.id, credential ids) are base64url.
 */
export class PasskeyOptionsDto {
  /** @example "V2VsbCBoZWxsbyB0aGVyZSBmcmllbmQ" */
  challenge: string;
  /** Milliseconds the options are good for. @example 300000 */
  @ApiPropertyOptional({ type: 'integer' })
  timeout?: number;
  /** The relying party (creation: {id, name}); login options carry `rpId` instead. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  rp?: object;
  /** Login options: the relying party id. @example "localhost" */
  rpId?: string;
  /** Creation options: {id (base64url user handle), name, displayName}. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  user?: object;
  /** Creation options: the signature algorithms accepted. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  pubKeyCredParams?: object[];
  /** Creation options: the user's passkeys, not to be registered again. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  excludeCredentials?: object[];
  /** Login options: empty, so the browser offers the user's discoverable passkeys. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  allowCredentials?: object[];
  /** Creation options: residentKey "required", userVerification "required". */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  authenticatorSelection?: object;
  /** Creation options: "none" (no attestation is asked for). @example "none" */
  attestation?: string;
  /** Login options: "required". @example "required" */
  userVerification?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  extensions?: object;
  @ApiPropertyOptional({ type: [String] })
  hints?: string[];
}

/** Login options and the id to send back with the answer. */
export class PasskeyLoginOptionsDto {
  /** Send it back with the answer; good for one login attempt within five minutes. @example "Qm9uam91ciBsZSBtb25kZQ" */
  challenge_id: string;
  options: PasskeyOptionsDto;
}
