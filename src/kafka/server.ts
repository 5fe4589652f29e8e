/**
 * The Kafka listener: accepts connections and serves the Kafka protocol over the streams core.
 * This broker is the only node of its cluster: it leads every partition and coordinates every
 * group and transaction.
 */
import { createServer, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { ProtocolListener } from '../core/listener.js';
import type { StreamBroker } from '../core/streams/index.js';
import { KafkaConnection } from './connection.js';
import { buildHandlers } from './handlers/index.js';
import type { SaslUser } from './sasl/mechanism.js';
import { SaslUserDirectory } from './sasl/sasl-session.js';

/** Options of the Kafka listener. */
export interface KafkaServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * The host clients are told to connect to (Metadata, FindCoordinator); defaults to `host`, or to
   * this machine's host name when `host` is a wildcard address.
   */
  advertisedHost?: string;
  /** This broker's node id; defaults to the streams core's. */
  nodeId?: number;
  /** Largest request accepted; a larger size prefix closes the connection. Default 100 MiB. */
  maxRequestBytes?: number;
  /** When given, clients must authenticate with SASL PLAIN or SCRAM-SHA-256 as one of these users. */
  saslUsers?: SaslUser[];
}

const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const CLOSE_GRACE_MS = 1000;

function advertisedHost(options: KafkaServerOptions): string {
  if (options.advertisedHost !== undefined) return options.advertisedHost;
  return WILDCARD_HOSTS.has(options.host) ? hostname() : options.host;
}

/** Starts a Kafka listener; resolves once it is bound. */
export function startKafkaServer(streams: StreamBroker, options: KafkaServerOptions): Promise<ProtocolListener> {
  const connections = new Set<KafkaConnection>();
  const sasl = options.saslUsers === undefined ? null : new SaslUserDirectory(options.saslUsers);
  const node = { nodeId: options.nodeId ?? streams.nodeId, host: advertisedHost(options), port: options.port };
  const { handlers, unsupportedApiVersions } = buildHandlers(sasl !== null);
  const server = createServer((socket: Socket) => {
    const connection = new KafkaConnection(socket, {
      streams,
      handlers,
      unsupportedApiVersions,
      node,
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      sasl,
    });
    connections.add(connection);
    void connection.whenClosed().then(() => connections.delete(connection));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : options.port;
      node.port = port;
      resolve({
        protocol: 'kafka',
        address: { host: options.host, port },
        async close() {
          const closing = new Promise<void>((done) => server.close(() => done()));
          const open = [...connections];
          for (const connection of open) connection.end(CLOSE_GRACE_MS);
          await Promise.all([closing, ...open.map((c) => c.whenClosed())]);
        },
      });
    });
  });
}
