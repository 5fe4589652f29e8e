import type { FieldTable } from './codec/field-table.js';

/** The product version advertised to clients. */
export const PRODUCT_VERSION = '0.1.0';

/**
 * The server-properties table of connection.start: product identification and the RabbitMQ extension
 * capabilities this front-end implements (direct reply-to is not offered).
 */
export function serverProperties(clusterName: string): FieldTable {
  return {
    capabilities: {
      publisher_confirms: true,
      exchange_exchange_bindings: true,
      'basic.nack': true,
      consumer_cancel_notify: true,
      'connection.blocked': true,
      consumer_priorities: true,
      authentication_failure_close: true,
      per_consumer_qos: true,
    },
    cluster_name: clusterName,
    product: 'Switchyard',
    version: PRODUCT_VERSION,
    platform: `Node.js ${process.version}`,
    copyright: 'Switchyard contributors',
    information: 'Licensed under the Apache License 2.0',
  };
}

/** True when the client's properties say it supports the named capability. */
export function clientHasCapability(clientProperties: FieldTable, name: string): boolean {
  const capabilities = clientProperties.capabilities;
  if (capabilities === null || typeof capabilities !== 'object' || Array.isArray(capabilities) || Buffer.isBuffer(capabilities)) return false;
  return (capabilities as FieldTable)[name] === true;
}
