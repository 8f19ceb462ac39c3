import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createTestApp, type TestApp } from './app.js';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: { name: string; address: string };
  subject: string;
  text: string;
}

/**
 * A real SMTP server in this process (smtp-server on 127.0.0.1, a free port): the app sends to
 * it through SMTP_URL, and each message is parsed with mailparser as a mail client would.
 */
export class Mailbox {
  readonly received: ReceivedMail[] = [];
  private readonly taken = new Set<ReceivedMail>();
  private waiters: (() => void)[] = [];
  port = 0;

  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((parsed) => {
          this.deliver({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            from: {
              name: parsed.from?.value[0]?.name ?? '',
              address: parsed.from?.value[0]?.address ?? '',
            },
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  static async start(): Promise<Mailbox> {
    const mailbox = new Mailbox();
    await new Promise<void>((resolve, reject) => {
      mailbox.server.once('error', reject);
      mailbox.server.listen(0, '127.0.0.1', () => resolve());
    });
    mailbox.port = (mailbox.server.server.address() as AddressInfo).port;
    return mailbox;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails to this address that arrived so far. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  /** The next mail to this address not returned before, waiting for it to arrive. */
  async next(address: string, waitMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const mail = this.to(address).find((candidate) => !this.taken.has(candidate));
      if (mail) {
        this.taken.add(mail);
        return mail;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${address} arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private deliver(mail: ReceivedMail): void {
    this.received.push(mail);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The token parameter of the first link to `${frontend}/${page}` in a mail's text. */
export function tokenFromLink(mail: ReceivedMail, frontend: string, page: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(`${frontend}/${page}?`));
  if (!link) throw new Error(`no ${page} link in: ${mail.text}`);
  const token = new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

export const FRONTEND = 'http://spa.test';
export const MAIL_FROM = { name: 'Recipe API', address: 'no-reply@recipes.test' };

/**
 * createTestApp with the mail settings (links to FRONTEND, sender MAIL_FROM); closing it also
 * puts process.env back, so SMTP_URL or REQUIRE_VERIFIED_EMAIL do not leak into later apps.
 */
export async function createMailTestApp(env: Record<string, string>): Promise<TestApp> {
  const saved = { ...process.env };
  const restore = () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
  try {
    const t = await createTestApp({
      FRONTEND_URL: FRONTEND,
      MAIL_FROM: `${MAIL_FROM.name} <${MAIL_FROM.address}>`,
      REQUIRE_VERIFIED_EMAIL: 'false',
      // These specs send many mail requests from one address; rate limits have their own spec.
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      ...env,
    });
    return { ...t, close: () => t.close().finally(restore) };
  } catch (error) {
    restore();
    throw error;
  }
}

/** Starts a Mailbox and a createMailTestApp app mailing to it; the app's close() stops both. */
export async function startMailTestApp(
  env: Record<string, string> = {},
): Promise<{ mailbox: Mailbox; t: TestApp }> {
  const mailbox = await Mailbox.start();
  try {
    const t = await createMailTestApp({ SMTP_URL: mailbox.url, ...env });
    return { mailbox, t: { ...t, close: () => t.close().finally(() => mailbox.stop()) } };
  } catch (error) {
    await mailbox.stop();
    throw error;
  }
}
