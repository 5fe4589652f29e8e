import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProtocolListener } from '../core/listener.js';

/** Answers one admin API request; resolve to undefined to fall through to 404. */
export type AdminRoute = (request: IncomingMessage, url: URL) => Promise<AdminReply | undefined> | AdminReply | undefined;

/** A JSON reply of the admin API. */
export interface AdminReply {
  status: number;
  body: unknown;
}

/**
 * The HTTP listener of the admin API: JSON over HTTP, shaped like RabbitMQ's management API where one
 * exists. Routes are tried in order; the first that answers wins.
 */
export async function startAdminServer(routes: AdminRoute[], options: { host: string; port: number }): Promise<ProtocolListener> {
  const server = createServer((request, response) => {
    void answer(routes, request, response);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    protocol: 'http',
    address: { host: options.host, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(routes: AdminRoute[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  let reply: AdminReply | undefined;
  try {
    for (const route of routes) {
      reply = await route(request, url);
      if (reply) break;
    }
    reply ??= { status: 404, body: { error: 'not_found', reason: `no such endpoint: ${request.method} ${url.pathname}` } };
  } catch (error) {
    reply = { status: 500, body: { error: 'internal_error', reason: (error as Error).message } };
  }
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Reads and parses a JSON request body (at most 1 MiB). */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('request body over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
