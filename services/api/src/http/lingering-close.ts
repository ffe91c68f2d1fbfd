// Refusing a body mid-upload with `Connection: close`: Node destroys the socket as soon as the answer is
// written, and a socket closed with unread bytes in its receive buffer sends a TCP reset. A reset that
// reaches the client before it has read our 413 makes its kernel drop that answer, so the client sees only
// "connection reset". A lingering close (what Apache and nginx do) sends the answer and a FIN, then reads and
// discards what the client still has in flight, for a bounded time and amount, and only then closes.
import type { Socket } from 'node:net';

const LINGER_MS = 2_000;
const LINGER_MAX_BYTES = 16 * 1024 * 1024;

/** Makes Node's close of this socket, after the answer being sent, a lingering one. */
export function lingerOnClose(socket: Socket): void {
  const destroyNow = socket.destroySoon.bind(socket);
  // Node's HTTP server calls destroySoon() once a Connection: close answer is written.
  socket.destroySoon = () => {
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_MAX_BYTES) socket.destroy();
    });
    socket.once('close', () => clearTimeout(timer));
    socket.resume();
    // The FIN after the answer; the client answers with its own, and the socket closes without a reset.
    if (socket.writable) socket.end();
    else destroyNow();
  };
}
