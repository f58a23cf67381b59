/**
 * Test files share one Cassandra node and run in parallel; the restart test stops it. A small
 * reader-writer lock on the file system keeps them apart: every live file holds a shared lock
 * while it runs, the restart test an exclusive one (it waits for the shared holders to finish,
 * and files that start meanwhile wait for it). Both sides announce themselves before they look
 * at the other side, so they cannot both pass. A holder whose process died does not count.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = '/tmp/outpools-services/cassandra/locks';
const READERS = join(DIR, 'readers');
const WRITER = join(DIR, 'writer');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function liveHolders(dir: string, except?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (name === except) return false;
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) return true;
    rmSync(join(dir, name), { force: true, recursive: true });
    return false;
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A held lock: call to release it. */
export type Release = () => void;

/** Take the shared lock (waits while the restart test holds the exclusive one). */
export async function sharedCassandra(timeoutMs = 300_000): Promise<Release> {
  mkdirSync(READERS, { recursive: true });
  mkdirSync(WRITER, { recursive: true });
  const name = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const file = join(READERS, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    writeFileSync(file, '');
    if (liveHolders(WRITER).length === 0) return () => rmSync(file, { force: true });
    rmSync(file, { force: true });
    if (Date.now() > deadline) throw new Error('the cassandra restart test held the node for too long');
    await sleep(200);
  }
}

/** Take the exclusive lock (waits until no other file uses the node). */
export async function exclusiveCassandra(timeoutMs = 600_000): Promise<Release> {
  mkdirSync(READERS, { recursive: true });
  mkdirSync(WRITER, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  const name = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const file = join(WRITER, name);
  for (;;) {
    writeFileSync(file, '');
    if (liveHolders(WRITER, name).length === 0) break;
    rmSync(file, { force: true });
    if (Date.now() > deadline) throw new Error('another cassandra restart test holds the node');
    await sleep(200);
  }
  while (liveHolders(READERS).length > 0) {
    if (Date.now() > deadline) {
      rmSync(file, { force: true });
      throw new Error('other test files kept using the cassandra node');
    }
    await sleep(200);
  }
  return () => rmSync(file, { force: true });
}
