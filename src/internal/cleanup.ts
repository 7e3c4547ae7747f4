// The one registry of temporary paths a run has created (scratch directories, spools, a merged
// layer written beside its output, the hidden sibling of an atomic write). Whoever creates such a
// path registers it first and unregisters it once it is renamed into place or removed. Whatever is
// still registered is removed synchronously when the process exits, and, once the CLI has installed
// the handlers, on SIGINT, SIGTERM or SIGHUP, which then end the process with the conventional
// status (130, 143, 129): an interrupted squash leaves neither gigabytes of layer nor a spool behind.
import { rmSync } from 'node:fs';

const temporaries = new Set<string>();
const undos = new Set<() => void>();
let exitHook = false;
let signalsInstalled = false;
let signalStatus: number | undefined;

/** SIGNAL_STATUS is the exit status for each handled signal: 128 plus its number. */
export const SIGNAL_STATUS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** registerTemporary records path (a file or a directory, which need not exist yet) for removal. */
export function registerTemporary(path: string): void {
  temporaries.add(path);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', removeTemporaries);
  }
}

/** unregisterTemporary forgets path: it was renamed into place, or its owner removed it. */
export function unregisterTemporary(path: string): void {
  temporaries.delete(path);
}

/** removeTemporary deletes path now (recursively, ignoring absence) and forgets it. */
export function removeTemporary(path: string): void {
  temporaries.delete(path);
  rmSync(path, { recursive: true, force: true });
}

/**
 * registerUndo records a synchronous action that undoes something a run started outside the file
 * system (a child process to stop, images an engine built for the run); it runs before the paths
 * are removed, on a signal or at exit. The returned function forgets it (the run undid it itself).
 */
export function registerUndo(undo: () => void): () => void {
  undos.add(undo);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', removeTemporaries);
  }
  return () => void undos.delete(undo);
}

/** removeTemporaries runs every registered undo, then deletes every registered path, newest first, never throwing. */
export function removeTemporaries(): void {
  for (const undo of [...undos].reverse()) {
    try {
      undo();
    } catch {
      // nothing better to do while exiting
    }
    undos.delete(undo);
  }
  for (const path of [...temporaries].reverse()) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // nothing better to do while exiting
    }
    temporaries.delete(path);
  }
}

/** registeredTemporaries lists what is registered (for tests). */
export function registeredTemporaries(): string[] {
  return [...temporaries];
}

/**
 * installSignalCleanup makes SIGINT, SIGTERM and SIGHUP remove every registered path and end the
 * process with SIGNAL_STATUS. Called once by the CLI entry; a library caller keeps its own handling.
 */
export function installSignalCleanup(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, status] of Object.entries(SIGNAL_STATUS)) {
    process.on(signal, () => {
      removeTemporaries();
      process.exit(signalStatus ?? status);
    });
  }
}

/**
 * setSignalStatus makes the handled signals end the process with status instead of SIGNAL_STATUS
 * (what is registered is removed all the same): a command that runs until it is stopped
 * (`whittle build --watch`) ends with 0 on SIGINT or SIGTERM. undefined restores SIGNAL_STATUS.
 */
export function setSignalStatus(status: number | undefined): void {
  signalStatus = status;
}
