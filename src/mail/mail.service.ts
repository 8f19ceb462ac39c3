import { createRequire } from 'node:module';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { appConfig, mailConfig, type AppConfig, type MailConfig } from '../config/configuration.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail over SMTP (SMTP_URL) in the background; without SMTP_URL, development and test
 * write each mail to the log instead. Sending never fails a request: errors are logged.
 */
@Injectable()
export class MailService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly transport?: Transporter;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(mailConfig.KEY) config: MailConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {
    if (config.smtpUrl) {
      // Bounded waits, so a mail server that hangs cannot pile up sockets (nodemailer waits minutes).
      // Required only with SMTP_URL: a server without mail never loads nodemailer.
      const { createTransport } = createRequire(import.meta.url)(
        'nodemailer',
      ) as typeof import('nodemailer');
      this.transport = createTransport(
        {
          url: config.smtpUrl,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        },
        { from: config.from },
      );
    } else if (app.nodeEnv === 'production') {
      this.logger.warn(
        'SMTP_URL is not set: password reset and verification mails will not be sent.',
      );
    }
  }

  /** Hands the mail off and returns at once: the caller's answer never waits for SMTP. */
  send(mail: Mail): void {
    const delivery = this.deliver(mail).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  /** Delivers one mail; resolves whatever happens (failures are logged without the address). */
  async deliver(mail: Mail): Promise<void> {
    if (!this.transport) return this.writeToLog(mail);
    try {
      await this.transport.sendMail(mail);
    } catch (error) {
      // SMTP replies can quote the recipient: log the error's code only, never its message.
      const { code, responseCode } = (error ?? {}) as { code?: string; responseCode?: number };
      this.logger.error(
        `The mail "${mail.subject}" could not be sent: ${code ?? 'error'} ${responseCode ?? ''}`.trim(),
      );
    }
  }

  /** Mails still being sent finish (or time out) before the process exits. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.pending);
    this.transport?.close();
  }

  private writeToLog(mail: Mail): void {
    // A mail holds a credential (a reset link): production logs never get it (warned at start).
    if (this.app.nodeEnv === 'production') return;
    this.logger.log(
      `Mail not sent (SMTP_URL is not set)\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`,
    );
  }
}
