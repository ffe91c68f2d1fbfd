// Who is listening on a TCP port, so a start that finds it taken can name the process. On Linux this needs
// nothing installed: the listening socket's inode is in /proc/net/tcp{,6}, and the process holding it has a
// file descriptor pointing at `socket:[inode]`. Elsewhere lsof answers, when it is there. Either way only the
// user's own processes are visible (all of them as root), which covers the usual case: a leftover of an
// earlier `npm start`. No holder found is not an error; the caller just names the port alone.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  /** Its command line, shortened for one terminal line. */
  command: string;
}

/** Socket state 0A in /proc/net/tcp is TCP_LISTEN (include/net/tcp_states.h). */
const TCP_LISTEN = '0A';
const COMMAND_WIDTH = 120;

export function findPortHolder(port: number): PortHolder | undefined {
  try {
    return process.platform === 'linux' ? fromProc(port) : fromLsof(port);
  } catch {
    return undefined; // an unreadable /proc or a missing lsof only costs the detail
  }
}

function fromProc(port: number): PortHolder | undefined {
  const sockets = new Set([...listeningInodes(port)].map((inode) => `socket:[${inode}]`));
  if (sockets.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of readable(() => readdirSync(`/proc/${entry}/fd`)) ?? []) {
      if (sockets.has(readable(() => readlinkSync(`/proc/${entry}/fd/${fd}`)) ?? '')) {
        const commandLine = readable(() => readFileSync(`/proc/${entry}/cmdline`, 'utf8')) ?? '';
        return { pid: Number(entry), command: shorten(commandLine.split('\0').filter(Boolean).join(' ')) };
      }
    }
  }
  return undefined;
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    // One socket per line after the header: sl local_address rem_address st … uid timeout inode
    for (const line of (readable(() => readFileSync(table, 'utf8')) ?? '').split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      const localPort = Number.parseInt(local?.split(':')[1] ?? '', 16);
      if (state === TCP_LISTEN && localPort === port && inode && inode !== '0') inodes.add(inode);
    }
  }
  return inodes;
}

function fromLsof(port: number): PortHolder | undefined {
  const listing = execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = Number(/^p(\d+)$/m.exec(listing)?.[1]);
  if (!Number.isInteger(pid)) return undefined;
  const command = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return { pid, command: shorten(command.trim()) };
}

/** Another user's process, or one that exited meanwhile: skipped, not fatal. */
function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function shorten(command: string): string {
  return command.length > COMMAND_WIDTH ? `${command.slice(0, COMMAND_WIDTH - 1)}…` : command;
}
