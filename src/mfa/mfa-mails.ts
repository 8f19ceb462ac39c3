import type { Mail } from '../mail/mail.service.js';

export const IF_NOT_YOU =
  'If this was not you, reset your password at once and tell the administrator: your sessions on other devices have been ended.';

export function totpEnabledMail(to: string): Mail {
  return {
    to,
    subject: 'Two-step login is on for your Recipe API account',
    text: [
      'An authenticator app was just added to your Recipe API account: logging in now needs a code from it.',
      '',
      IF_NOT_YOU,
    ].join('\n'),
  };
}

export function totpRemovedMail(to: string, byAdministrator: boolean): Mail {
  return {
    to,
    subject: 'Two-step login is off for your Recipe API account',
    text: [
      byAdministrator
        ? 'An administrator removed the authenticator app, recovery codes and passkeys from your Recipe API account.'
        : 'The authenticator app and recovery codes were just removed from your Recipe API account.',
      'Logging in now needs only your password.',
      '',
      IF_NOT_YOU,
    ].join('\n'),
  };
}
