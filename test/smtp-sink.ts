/** An SMTP sink for the outbox tests: it counts what it accepted by Message-ID. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { headerOf } from './notifications-mime.js';

/** An SMTP sink that records the Message-ID of every DATA it accepted (answered 250). */
export function sink(options: { delayMs?: number; beforeAccept?: (count: number) => boolean } = {}) {
  const accepted: string[] = [];
  let seen = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        seen++;
        // false: the sink never answers this DATA (the worker was killed while waiting for it).
        if (options.beforeAccept && !options.beforeAccept(seen)) return;
        setTimeout(() => {
          accepted.push(headerOf(Buffer.concat(chunks).toString('utf8'), 'Message-ID') ?? 'none');
          callback();
        }, options.delayMs ?? 0);
      });
    },
  });
  return {
    accepted, server,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}
