import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ProtocolListener } from '../core/listener.js';
import type { QueueBroker } from '../core/queues/index.js';
import { AmqpConnection } from './connection.js';
import type { Credentials } from './sasl.js';

/** startAmqpServer options; every limit has RabbitMQ's default. */
export interface AmqpServerOptions {
  host: string;
  port: number;
  /** Accounts accepted by SASL PLAIN/AMQPLAIN (default guest/guest, which may only log in from loopback). */
  users?: Credentials[];
  /** Largest frame offered in connection.tune (default 131072). */
  frameMax?: number;
  /** Highest channel number offered in connection.tune (default 2047). */
  channelMax?: number;
  /** Heartbeat interval in seconds offered in connection.tune (default 60; 0 disables). */
  heartbeat?: number;
  /** Largest message body accepted (default 128 MiB); larger publishes close the channel with 406. */
  maxMessageBytes?: number;
}

/** The AMQP listener: a ProtocolListener that can also signal resource alarms to its clients. */
export interface AmqpListener extends ProtocolListener {
  /**
   * Raises (with a reason) or clears (undefined) the resource alarm: clients are sent connection.blocked
   * or connection.unblocked, and publishing connections stop being read while it is raised.
   */
  setBlocked(reason: string | undefined): void;
  /** Number of open client connections. */
  readonly connectionCount: number;
  /** Number of connections not being read because a queue they publish into is under pressure (state 'flow'). */
  readonly flowConnectionCount: number;
}

const DEFAULT_USERS: Credentials[] = [{ username: 'guest', password: 'guest' }];

/** Starts the AMQP 0-9-1 listener over a queue broker; resolves once it is bound. */
export function startAmqpServer(queues: QueueBroker, options: AmqpServerOptions): Promise<AmqpListener> {
  const settings = {
    users: options.users ?? DEFAULT_USERS,
    loopbackUsers: ['guest'],
    frameMax: options.frameMax ?? 131072,
    channelMax: options.channelMax ?? 2047,
    heartbeat: options.heartbeat ?? 60,
    maxMessageBytes: options.maxMessageBytes ?? 128 * 1024 * 1024,
    clusterName: 'switchyard',
  };
  const connections = new Set<AmqpConnection>();
  let blockedReason: string | undefined;
  let nextId = 1;
  const server = createServer((socket: Socket) => {
    const id = `${socket.remoteAddress}:${socket.remotePort} -> ${socket.localAddress}:${socket.localPort} #${nextId++}`;
    const connection = new AmqpConnection(id, socket, queues, settings, (c) => connections.delete(c));
    connections.add(connection);
    if (blockedReason !== undefined) connection.setBlocked(blockedReason);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        protocol: 'amqp',
        address: { host: options.host, port: address.port },
        get connectionCount() {
          return connections.size;
        },
        get flowConnectionCount() {
          let n = 0;
          for (const connection of connections) if (connection.inFlow) n++;
          return n;
        },
        setBlocked(reason) {
          blockedReason = reason;
          for (const connection of connections) connection.setBlocked(reason);
        },
        close: () => closeServer(server, connections),
      });
    });
  });
}

/** Stops accepting, closes every connection with 320 CONNECTION_FORCED, resolves once all sockets are gone. */
async function closeServer(server: ReturnType<typeof createServer>, connections: Set<AmqpConnection>): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const connection of connections) connection.forceClose('shutdown');
  await Promise.all([...connections].map((connection) => connection.closed));
  await stopped;
}
