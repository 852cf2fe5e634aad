import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { acquireRunLock } from '../../src/fs/run-lock.js';
import { tempDir } from '../helpers/cli.js';

// Issue 11 item 15: the write phase holds `<lock>.lock` (O_EXCL, pid + host), waits for a
// live holder, removes a provably stale one and says so, and never steals a lock it cannot check.

const holder = (pid: number, host = hostname()) => JSON.stringify({ pid, host, started: '2026-12-03T00:00:00Z' });

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('acquireRunLock', () => {
  it('creates the lock with pid and host and removes it on release', async () => {
    const lockFile = path.join(await tempDir(), 'digestpin.lock.json');
    const held = await acquireRunLock(lockFile);
    expect(JSON.parse(await fs.readFile(`${lockFile}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await held.release();
    await expect(fs.stat(`${lockFile}.lock`)).rejects.toThrow();
  });

  it('waits for a live holder, then takes the lock', async () => {
    const lockFile = path.join(await tempDir(), 'digestpin.lock.json');
    const first = await acquireRunLock(lockFile);
    let second = false;
    const waiting = acquireRunLock(lockFile, { pollMs: 5 }).then((l) => ((second = true), l));
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toBe(false);
    await first.release();
    await (await waiting).release();
    expect(second).toBe(true);
  });

  it('removes a stale lock of a dead process on this host and reports it', async () => {
    const lockFile = path.join(await tempDir(), 'digestpin.lock.json');
    const pid = await deadPid();
    await fs.writeFile(`${lockFile}.lock`, holder(pid));
    const held = await acquireRunLock(lockFile);
    expect(held.stale).toContain(`left by pid ${pid}`);
    await held.release();
  });

  it('never steals a lock held from another host: LOCK_HELD naming the holder', async () => {
    const lockFile = path.join(await tempDir(), 'digestpin.lock.json');
    await fs.writeFile(`${lockFile}.lock`, holder(1, 'build-host-7'));
    const error = await acquireRunLock(lockFile, { waitMs: 30, pollMs: 5 }).catch((e: unknown) => e);
    expect(isPinError(error, 'LOCK_HELD')).toBe(true);
    expect((error as Error).message).toContain('held by pid 1 on build-host-7');
  });
});
