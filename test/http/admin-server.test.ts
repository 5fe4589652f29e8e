import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Broker } from '../../src/broker.js';

/** Sends one raw HTTP/1.1 request and resolves with the status line of the answer. */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

describe('admin API', () => {
  it('answers malformed request targets with 400 and keeps serving', async () => {
    const broker = await Broker.start({ storage: 'memory', http: { port: 0 } });
    try {
      const port = broker.addresses.http!.port;
      assert.equal(await rawRequest(port, 'GET // HTTP/1.1'), 'HTTP/1.1 400 Bad Request');
      assert.equal(await rawRequest(port, 'GET /api/queues/%E0%A4%A/x HTTP/1.1'), 'HTTP/1.1 400 Bad Request');
      assert.equal(await rawRequest(port, 'GET /api/nothing HTTP/1.1'), 'HTTP/1.1 404 Not Found');
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      assert.equal(health.status, 200);
    } finally {
      await broker.close();
    }
  });
});
