/**
 * The mail server settings, read from the environment: apart from the sender in smtp.ts, so
 * that reading the configuration (every CLI command does) does not load the SMTP client.
 */
export interface MailConfig {
  /** smtp:// or smtps:// with any user and password in it; null: email is not configured. */
  smtpUrl: string | null;
  /** The From of every email, e.g. "Springfield <noreply@springfield.gov>" or a bare address. */
  from: string | null;
}

export const mailVariables: Array<[name: string, meaning: string]> = [
  ['SMTP_URL', 'the mail server for emails to residents, e.g. smtp://user:password@mail.example.gov:587 (smtps:// for port 465); unset: emails wait in the outbox'],
  ['MAIL_FROM', 'the sender of those emails, e.g. "Springfield Council <noreply@springfield.gov>" (needed with SMTP_URL)'],
];

type Env = Record<string, string | undefined>;

/** Reads SMTP_URL and MAIL_FROM; each problem is added to `problems` in plain words (never echoing a password). */
export function loadMailConfig(env: Env, problems: string[]): MailConfig {
  const read = (name: string) => env[name]?.trim() || null;
  const smtpUrl = read('SMTP_URL');
  const from = read('MAIL_FROM');
  if (smtpUrl !== null) {
    let url: URL | null = null;
    try {
      url = new URL(smtpUrl);
    } catch {
      // Reported below.
    }
    if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || url.hostname === '') {
      problems.push('SMTP_URL must look like smtp://user:password@mail.example.gov:587 or smtps://user:password@mail.example.gov:465 (the value set is not shown, as it may hold a password)');
    }
    if (from === null) problems.push('MAIL_FROM is needed when SMTP_URL is set, e.g. "Springfield Council <noreply@springfield.gov>"');
  } else if (from !== null) {
    problems.push('SMTP_URL is needed when MAIL_FROM is set: it names the mail server that sends the emails');
  }
  if (from !== null && !/^([^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(from)) {
    problems.push(`MAIL_FROM must be an email address, optionally with a name, e.g. "Springfield Council <noreply@springfield.gov>"; got "${from.slice(0, 100)}"`);
  }
  return { smtpUrl, from };
}
