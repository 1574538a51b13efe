/**
 * One deploy per network at a time: deployments/<network>.lock holds the running deploy's pid, host and start time.
 * A second run (another terminal, another operator on the same folder, a CI retry) is refused while the owner lives;
 * a lock left by a process that is gone (killed with SIGKILL, a crashed machine) is reclaimed on the same host, and
 * said so. On another host the pid cannot be checked: the lock is refused with the words to remove it by hand.
 *
 * The lock is created with O_EXCL (fs "wx"), so of two runs starting at once exactly one gets it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface DeployLockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface DeployLock {
  file: string;
  release(): void;
}

export function lockPath(network: string, directory: string): string {
  return path.join(directory, `${network}.lock`);
}

/** Whether process `pid` exists on this host (EPERM: it exists, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDeployLock(
  file: string,
  log: (line: string) => void = () => {},
): DeployLock {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: DeployLockOwner = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(" "),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = fs.openSync(file, "wx");
      fs.writeSync(handle, JSON.stringify(me, null, 2) + "\n");
      fs.fsyncSync(handle);
      fs.closeSync(handle);
      let released = false;
      // process.exit (deploy.ts's answer to SIGINT and SIGTERM) runs "exit" listeners: the lock goes with the run.
      const onExit = () => release();
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener("exit", onExit);
        // Only our own lock: a reclaimed-and-retaken file belongs to the run that took it.
        try {
          const owner = JSON.parse(
            fs.readFileSync(file, "utf8"),
          ) as DeployLockOwner;
          if (owner.pid === me.pid && owner.host === me.host)
            fs.rmSync(file, { force: true });
        } catch {
          /* gone already */
        }
      };
      process.once("exit", onExit);
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let owner: DeployLockOwner | undefined;
    try {
      owner = JSON.parse(fs.readFileSync(file, "utf8")) as DeployLockOwner;
    } catch {
      // Being written this very moment by the run that created it, or cut short: either way not ours to take.
    }
    if (owner && owner.host === me.host && !processAlive(owner.pid)) {
      log(
        `! reclaiming the stale lock ${file}: its owner, pid ${owner.pid} on ${owner.host} (started ${owner.startedAt}), is no longer running`,
      );
      fs.rmSync(file, { force: true });
      continue;
    }
    throw new Error(
      owner
        ? `Another deploy of this network is running: pid ${owner.pid} on ${owner.host}, started ${owner.startedAt} (${file}). ` +
            `Two runs at once would both send the same steps. Wait for it to finish` +
            (owner.host === me.host
              ? "."
              : `; if it is not running (that host crashed), delete ${file} and run again.`)
        : `Another deploy of this network holds ${file} (its content cannot be read yet): wait for it to finish, or delete the file if no deploy is running`,
    );
  }
  throw new Error(
    `Could not take the deploy lock ${file}: another run took it at the same moment; wait for it to finish`,
  );
}
