import { readSaslHandshakeRequest, type SaslHandshakeRequest } from '../codec/generated/sasl-handshake-request.js';
import {
  sizeOfSaslHandshakeResponse,
  writeSaslHandshakeResponse,
  type SaslHandshakeResponse,
} from '../codec/generated/sasl-handshake-response.js';
import { defineHandler } from '../handler.js';
import { SASL_MECHANISMS } from '../sasl/sasl-session.js';
import { kafkaCode as errorCode } from '../../core/streams/error-codes.js';

/** SaslHandshake: picks the mechanism of the exchange that follows. */
export const saslHandshakeHandler = defineHandler<SaslHandshakeRequest, SaslHandshakeResponse>({
  api: 'SaslHandshake',
  read: readSaslHandshakeRequest,
  sizeOf: sizeOfSaslHandshakeResponse,
  write: writeSaslHandshakeResponse,
  handle(ctx, request) {
    const mechanisms = [...SASL_MECHANISMS];
    if (ctx.sasl === null || ctx.sasl.authenticated) return { errorCode: errorCode('ILLEGAL_SASL_STATE'), mechanisms };
    const accepted = ctx.sasl.handshake(request.mechanism, ctx.version);
    return { errorCode: accepted ? 0 : errorCode('UNSUPPORTED_SASL_MECHANISM'), mechanisms };
  },
});
