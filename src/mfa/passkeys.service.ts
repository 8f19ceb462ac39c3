import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import {
  DomainError,
  NotFoundError,
  OAuthError,
  ValidationError,
} from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { User } from '../users/user.entity.js';
import { PASSKEY_CHALLENGE_MS, PasskeyChallengesService } from './passkey-challenges.service.js';
import { PasskeyCredentialsService } from './passkey-credentials.service.js';
import type { Passkey } from './passkey.entity.js';
import { passkeyAddedMail, passkeyRemovedMail } from './passkey-mails.js';

const NO_REGISTRATION = 'no registration is waiting for this answer: ask for new options';
const BAD_REGISTRATION =
  "the passkey's answer does not match the options (challenge, origin, relying party or user verification)";
const BAD_CHALLENGE = 'The challenge_id is invalid, expired or used: ask for new login options.';
const BAD_ASSERTION = 'The passkey is not registered, or its answer is not valid.';

/** The WebAuthn user handle: the user id's decimal digits, which say nothing about the person. */
const userHandle = (userId: number) => new TextEncoder().encode(String(userId));

export interface PasskeyLoginOptions {
  challengeId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/**
 * Passkeys (WebAuthn discoverable credentials): registration by a signed-in user, and login by
 * a passkey alone. Every challenge is the server's, single use; user verification is required.
 */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger(PasskeysService.name);

  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly challenges: PasskeyChallengesService,
    private readonly credentials: PasskeyCredentialsService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  list(userId: number): Promise<Passkey[]> {
    return this.credentials.list(userId);
  }

  /** Creation options for `user`; a registration started before is void. */
  async registrationOptions(user: User): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { rpId, rpName } = this.config.webauthn;
    const existing = await this.credentials.list(user.id);
    const options = await generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: user.email,
      userDisplayName: `${user.firstName ?? ''} ${user.surname ?? ''}`.trim() || user.email,
      userID: userHandle(user.id),
      timeout: PASSKEY_CHALLENGE_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId,
        transports: transportsOf(passkey),
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await this.challenges.issue('register', user.id, options.challenge);
    return options;
  }

  /**
   * Verifies the answer to the user's latest creation options (spending them) and stores the
   * passkey; every other session of the user ends in the same commit, and the user is told.
   */
  async register(
    user: User,
    sessionId: string,
    response: RegistrationResponseJSON,
    name = 'Passkey',
  ): Promise<Passkey> {
    const challenge = await this.challenges.take('register', { userId: user.id });
    if (!challenge) throw new ValidationError([{ field: 'response', message: NO_REGISTRATION }]);
    const { rpId, origins } = this.config.webauthn;
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      requireUserVerification: true,
    }).catch((error: unknown) => this.refused('registration', error));
    if (!result?.verified) {
      throw new ValidationError([{ field: 'response', message: BAD_REGISTRATION }]);
    }
    const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
    const passkey = await this.db.withTransaction(async () => {
      if (await this.credentials.findByCredentialId(credential.id)) {
        throw new DomainError(
          409,
          'passkey-already-registered',
          'This passkey is registered already.',
        );
      }
      const added = await this.credentials.add({
        userId: user.id,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: (credential.transports ?? []).join(','),
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
        name,
      });
      await this.sessions.revokeAll(user.id, sessionId);
      return added;
    });
    this.mail.send(passkeyAddedMail(user.email, passkey.name));
    return passkey;
  }

  /** Removes one of the user's passkeys; every other session of the user ends, and the user is told. */
  async remove(user: User, sessionId: string, id: number): Promise<void> {
    const passkey = await this.db.withTransaction(async () => {
      const found = (await this.credentials.list(user.id)).find((p) => p.id === id);
      if (!found || !(await this.credentials.remove(user.id, id))) return null;
      await this.sessions.revokeAll(user.id, sessionId);
      return found;
    });
    if (!passkey) throw new NotFoundError('The passkey');
    this.mail.send(passkeyRemovedMail(user.email, passkey.name));
  }

  /** Login options for any discoverable passkey of this relying party, with the id of their challenge. */
  async loginOptions(): Promise<PasskeyLoginOptions> {
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      timeout: PASSKEY_CHALLENGE_MS,
      userVerification: 'required',
    });
    const challengeId = await this.challenges.issue('login', null, options.challenge);
    return { challengeId, options };
  }

  /**
   * Checks a login answer: its challenge (spent here), the passkey it names, the signature, the
   * user verification and the signature counter (which must grow, unless the authenticator keeps
   * none). Answers the passkey's user id; throws invalid_grant otherwise.
   */
  async authenticate(challengeId: string, response: AuthenticationResponseJSON): Promise<number> {
    const challenge = await this.challenges.take('login', { id: challengeId });
    if (!challenge) throw new OAuthError('invalid_grant', BAD_CHALLENGE);
    const passkey = await this.credentials.findByCredentialId(response.id);
    const handle = response.response?.userHandle;
    if (!passkey || (handle !== undefined && handle !== handleOf(passkey.userId))) {
      throw new OAuthError('invalid_grant', BAD_ASSERTION);
    }
    const { rpId, origins } = this.config.webauthn;
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: transportsOf(passkey),
      },
    }).catch((error: unknown) => this.refused('login', error));
    if (!result?.verified) throw new OAuthError('invalid_grant', BAD_ASSERTION);
    const { newCounter, credentialBackedUp } = result.authenticationInfo;
    if (!(await this.credentials.recordUse(passkey, newCounter, credentialBackedUp))) {
      throw new OAuthError('invalid_grant', BAD_ASSERTION);
    }
    return passkey.userId;
  }

  /** A verification the library refused (bad origin, challenge, signature, counter…): logged, then null. */
  private refused(ceremony: string, error: unknown): null {
    this.logger.log(
      {
        event: 'passkey.refused',
        ceremony,
        reason: error instanceof Error ? error.message : String(error),
      },
      'passkey answer refused',
    );
    return null;
  }
}

const handleOf = (userId: number) => Buffer.from(userHandle(userId)).toString('base64url');

const transportsOf = (passkey: Passkey) =>
  passkey.transports
    ? (passkey.transports.split(',') as AuthenticatorTransportFuture[])
    : undefined;
