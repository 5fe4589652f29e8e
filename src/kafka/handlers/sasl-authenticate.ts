import {
  readSaslAuthenticateRequest,
  type SaslAuthenticateRequest,
} from '../codec/generated/sasl-authenticate-request.js';
import {
  sizeOfSaslAuthenticateResponse,
  writeSaslAuthenticateResponse,
  type SaslAuthenticateResponse,
} from '../codec/generated/sasl-authenticate-response.js';
import { defineHandler } from '../handler.js';
import { SaslFailure } from '../sasl/mechanism.js';
import { kafkaCode as errorCode } from '../../core/streams/error-codes.js';

/** SaslAuthenticate: one step of the exchange chosen by SaslHandshake. */
export const saslAuthenticateHandler = defineHandler<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  api: 'SaslAuthenticate',
  read: readSaslAuthenticateRequest,
  sizeOf: sizeOfSaslAuthenticateResponse,
  write: writeSaslAuthenticateResponse,
  handle(ctx, request) {
    const failed = (message: string, name: 'ILLEGAL_SASL_STATE' | 'SASL_AUTHENTICATION_FAILED'): SaslAuthenticateResponse => ({
      errorCode: errorCode(name),
      errorMessage: message,
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0n,
    });
    if (ctx.sasl === null || !ctx.sasl.inExchange) return failed('no SASL exchange in progress', 'ILLEGAL_SASL_STATE');
    try {
      const step = ctx.sasl.authenticate(request.authBytes);
      return { errorCode: 0, errorMessage: null, authBytes: step.response, sessionLifetimeMs: 0n };
    } catch (err) {
      if (err instanceof SaslFailure) return failed(err.message, 'SASL_AUTHENTICATION_FAILED');
      throw err;
    }
  },
});
