import type { Mail } from '../mail/mail.service.js';
import { IF_NOT_YOU } from './mfa-mails.js';

export function passkeyAddedMail(to: string, name: string): Mail {
  return {
    to,
    subject: 'A passkey was added to your Recipe API account',
    text: [
      `A passkey named "${name}" was just added to your Recipe API account: it can now log in on its own.`,
      '',
      IF_NOT_YOU,
    ].join('\n'),
  };
}

export function passkeyRemovedMail(to: string, name: string): Mail {
  return {
    to,
    subject: 'A passkey was removed from your Recipe API account',
    text: [
      `The passkey named "${name}" was just removed from your Recipe API account: it no longer logs in.`,
      '',
      IF_NOT_YOU,
    ].join('\n'),
  };
}
