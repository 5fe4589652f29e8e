/** The public embedding API: start a Switchyard broker inside a Node process. */
export { Broker, type BrokerOptions, type BrokerAddresses, type ListenerOptions } from './broker.js';
export { BrokerError, ERRORS, type ErrorName } from './core/errors.js';
export type { FsyncMode, LogConfig } from './storage/types.js';
