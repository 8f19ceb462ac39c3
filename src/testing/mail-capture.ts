import type { Mail, MailService } from '../mail/mail.service.js';

/**
 * Stands in for MailService: every mail the app sends is kept here instead of going out. Some
 * mails are sent after the answer (a password reset, so that its timing tells nothing), so each
 * read first waits for the background work of the answers already given (`settle`). It has every
 * public method of MailService (tsc says when one is added), since it is injected in its place.
 */
export class MailCapture implements Pick<MailService, keyof MailService> {
  private readonly mails: Mail[] = [];
  private settle: () => Promise<void> = async () => {};

  /** Set by createTestApp once the app runs: resolves when the app's background work is done. */
  waitFor(settle: () => Promise<void>): void {
    this.settle = settle;
  }

  /** MailService's interface: the app hands its mails to these. */
  send(mail: Mail): void {
    this.mails.push({ ...mail });
  }

  async deliver(mail: Mail): Promise<void> {
    this.send(mail);
  }

  async beforeApplicationShutdown(): Promise<void> {}

  /** Every mail sent so far, oldest first. */
  async all(): Promise<Mail[]> {
    await this.settle();
    return [...this.mails];
  }

  /** The mails sent to this address (any case), oldest first. */
  async to(address: string): Promise<Mail[]> {
    const wanted = address.toLowerCase();
    return (await this.all()).filter((mail) => mail.to.toLowerCase() === wanted);
  }

  /** The link of the latest password reset mail to this address; throws when there is none. */
  lastResetLink(address: string): Promise<string> {
    return this.lastLink(address, 'reset-password');
  }

  /** The link of the latest email verification mail to this address; throws when there is none. */
  lastVerificationLink(address: string): Promise<string> {
    return this.lastLink(address, 'verify-email');
  }

  /** Forgets the mails sent so far. */
  clear(): void {
    this.mails.length = 0;
  }

  private async lastLink(address: string, page: string): Promise<string> {
    const pattern = new RegExp(`\\S+/${page}\\?token=\\S+`, 'g');
    const links = (await this.to(address)).flatMap((mail) => mail.text.match(pattern) ?? []);
    const link = links.at(-1);
    if (!link) throw new Error(`No ${page} link was mailed to ${address}.`);
    return link;
  }
}

/** The `token` parameter of a mailed link: what the front end posts back to the API. */
export function tokenOf(link: string): string {
  const token = new URL(link).searchParams.get('token');
  if (!token) throw new Error(`No token in ${link}`);
  return token;
}
