import type { Mail } from '../mail/mail.service.js';

/** The link a mail carries: the front end's page with the token as a query parameter. */
export function frontendLink(frontendUrl: string, page: string, token: string): string {
  return `${frontendUrl.replace(/\/+$/, '')}/${page}?token=${token}`;
}

export function passwordResetMail(to: string, link: string): Mail {
  return {
    to,
    subject: 'Reset your Recipe API password',
    text: [
      'Someone, hopefully you, asked to reset the password of your Recipe API account.',
      '',
      'Choose a new password here within 30 minutes (the link works once):',
      link,
      '',
      'If you did not ask for this, ignore this mail: your password stays as it is.',
    ].join('\n'),
  };
}

export function emailVerificationMail(to: string, link: string): Mail {
  return {
    to,
    subject: 'Confirm your email address for Recipe API',
    text: [
      'Please confirm that this is your email address for Recipe API.',
      '',
      'Open this link within 24 hours (it works once):',
      link,
      '',
      'If you did not ask for this, ignore this mail.',
    ].join('\n'),
  };
}
