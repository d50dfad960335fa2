/** Errors shown to a person in a browser: what went wrong and what to do, never a stack trace. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translate, type MessageKey } from '../i18n/i18n.js';
import { renderPage } from './page.js';

const titles: Record<number, MessageKey> = {
  400: 'error.title.400',
  401: 'error.title.401',
  403: 'error.title.403',
  404: 'error.title.404',
  409: 'error.title.409',
  413: 'error.title.413',
  429: 'error.title.429',
  500: 'error.title.500',
  503: 'error.title.503',
};

/** `message` comes in English (from a DomainError or the error handler); known sentences are translated. */
export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  const { t, known } = translate(request);
  const title = t(titles[status] ?? 'error.title.other');
  return renderPage(request, reply, {
    title, status,
    body: (
      <>
        <h1>{title}</h1>
        <p>{known(message)}</p>
        <p><a href="/">{t('error.home')}</a></p>
      </>
    ),
  });
}
