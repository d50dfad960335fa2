/** An SMTP sink for the email tests: a real SMTP conversation, keeping every email it accepted. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { headerOf, partOf } from './notifications-mime.js';

export interface Received { messageId: string; to: string; subject: string; text: string; raw: string }

/**
 * An SMTP sink that keeps every email it accepted (answered 250 to), in order. `state` may be
 * changed while it runs: `delayMs` slows each answer; `beforeAccept` may return false to never
 * answer that DATA (the worker was killed while waiting for it).
 */
export function sink(options: { delayMs?: number; beforeAccept?: (seen: number) => boolean } = {}) {
  const accepted: Received[] = [];
  const state = { delayMs: options.delayMs ?? 0, seen: 0, beforeAccept: options.beforeAccept };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.seen++;
        if (state.beforeAccept && !state.beforeAccept(state.seen)) return;
        setTimeout(() => {
          const raw = Buffer.concat(chunks).toString('utf8');
          accepted.push({ messageId: headerOf(raw, 'Message-ID') ?? 'none', to: headerOf(raw, 'To') ?? '', subject: headerOf(raw, 'Subject') ?? '', text: partOf(raw, 'text/plain') ?? '', raw });
          callback();
        }, state.delayMs);
      });
    },
  });
  return {
    accepted, state, server,
    /** The Message-IDs accepted, in order. */
    acceptedIds: () => accepted.map((m) => m.messageId),
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}
