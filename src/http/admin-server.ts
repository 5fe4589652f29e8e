import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProtocolListener } from '../core/listener.js';
import { BrokerError, type ErrorName } from '../core/errors.js';

/** Answers one admin API request; resolve to undefined to fall through to 404. */
export type AdminRoute = (request: IncomingMessage, url: URL) => Promise<AdminReply | undefined> | AdminReply | undefined;

/**
 * Builds a route for one method and path pattern; `:name` segments match one URL-decoded path segment
 * and reach the handler as params.
 */
export function route(
  method: string,
  pattern: string,
  handler: (params: Record<string, string>, request: IncomingMessage, url: URL) => Promise<AdminReply> | AdminReply,
): AdminRoute {
  const parts = pattern.split('/');
  return (request, url) => {
    if (request.method !== method) return undefined;
    const segments = url.pathname.split('/');
    if (segments.length !== parts.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].startsWith(':')) params[parts[i].slice(1)] = decodeURIComponent(segments[i]);
      else if (parts[i] !== segments[i]) return undefined;
    }
    return handler(params, request, url);
  };
}

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
    answer(routes, request, response).catch((error: unknown) => {
      // Only the reply itself can fail here (the client went away): log it, never take the broker down.
      console.error('switchyard: admin API reply failed:', (error as Error).message);
      response.destroy();
    });
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
  let reply: AdminReply | undefined;
  try {
    const url = parseRequestUrl(request.url);
    for (const route of routes) {
      reply = await route(request, url);
      if (reply) break;
    }
    reply ??= { status: 404, body: { error: 'not_found', reason: `no such endpoint: ${request.method} ${url.pathname}` } };
  } catch (error) {
    reply = errorReply(error);
  }
  const text = JSON.stringify(reply.body, jsonSafe);
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

/** A request target the admin API cannot parse (a malformed URL or percent-encoding). */
class BadRequestTarget extends Error {}

function parseRequestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    throw new BadRequestTarget(`malformed request target: ${target}`);
  }
}

/** HTTP statuses for broker errors that are the caller's doing; anything else is a 500. */
const CLIENT_ERRORS: Partial<Record<ErrorName, number>> = {
  NOT_FOUND: 404,
  UNKNOWN_TOPIC_OR_PARTITION: 404,
  GROUP_ID_NOT_FOUND: 404,
  TOPIC_ALREADY_EXISTS: 409,
  NON_EMPTY_GROUP: 409,
  PRECONDITION_FAILED: 409,
  INVALID_TOPIC_EXCEPTION: 400,
  INVALID_PARTITIONS: 400,
  INVALID_CONFIG: 400,
  INVALID_REQUEST: 400,
  COORDINATOR_LOAD_IN_PROGRESS: 503,
};

function errorReply(error: unknown): AdminReply {
  if (error instanceof BrokerError) {
    const status = CLIENT_ERRORS[error.errorName] ?? 500;
    return { status, body: { error: error.errorName.toLowerCase(), reason: error.message } };
  }
  if (error instanceof SyntaxError || error instanceof URIError || error instanceof BadRequestTarget) {
    return { status: 400, body: { error: 'bad_request', reason: error.message } };
  }
  return { status: 500, body: { error: 'internal_error', reason: (error as Error).message } };
}

/** JSON.stringify replacer for values JSON has no form for (64-bit integers, binary). */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
