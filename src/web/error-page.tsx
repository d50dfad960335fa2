/** Errors shown to a person in a browser: what went wrong and what to do, never a stack trace. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderPage } from './page.js';

const titles: Record<number, string> = {
  400: 'There is a problem with what was sent',
  401: 'You need to sign in',
  403: 'You cannot do this',
  404: 'Page not found',
  409: 'This has changed',
  413: 'What you sent is too large',
  429: 'Too many attempts',
  500: 'Sorry, there is a problem with the service',
  503: 'Sorry, the service is unavailable',
};

export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  const title = titles[status] ?? 'Something went wrong';
  return renderPage(request, reply, {
    title, status,
    body: (
      <>
        <h1>{title}</h1>
        <p>{message}</p>
        <p><a href="/">Go to the home page</a></p>
      </>
    ),
  });
}
