/**
 * The raw loopback socket ceiling's server: reads frames (u32 big-endian length, then that many bytes) from
 * each connection and, after every chunk read, answers with a u32 count of the frames completed in it.
 * Nothing is stored. Usage: node --import tsx bench/lib/ceiling/socket-sink.ts PORT
 */
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
const server = createServer((socket) => {
  let need = 4; // bytes until the current header or body ends
  let inHeader = true;
  const header = Buffer.alloc(4);
  let headerFill = 0;
  socket.on('data', (chunk: Buffer) => {
    let done = 0;
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(need, chunk.length - at);
      if (inHeader) {
        chunk.copy(header, headerFill, at, at + take);
        headerFill += take;
      }
      at += take;
      need -= take;
      if (need > 0) continue;
      if (inHeader) {
        need = header.readUInt32BE(0);
        headerFill = 0;
        inHeader = need === 0;
        if (need === 0) {
          done++;
          need = 4;
        }
      } else {
        done++;
        inHeader = true;
        need = 4;
      }
    }
    if (done > 0) {
      const ack = Buffer.allocUnsafe(4);
      ack.writeUInt32BE(done, 0);
      socket.write(ack);
    }
  });
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1', () => console.log(`socket-sink listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
