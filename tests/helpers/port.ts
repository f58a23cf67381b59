/** Whether a TCP port accepts connections: the drivers' test helpers wait with it for their servers. */
import { connect } from 'node:net';

/** True when something accepts TCP connections on host:port (host 127.0.0.1 by default). */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
