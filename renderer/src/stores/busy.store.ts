import { create } from 'zustand';

/** How long a call may take before the window says it is waiting for the register. */
export const SLOW_CALL_MS = 700;

interface BusyState {
  /** Calls that have been waiting longer than SLOW_CALL_MS and have not answered yet. */
  slow: number;
  /** When the oldest of them started (ms since epoch), or null when none is slow. */
  since: number | null;
}

/** Whether the window is waiting on the register (fed by the API client; shown by the shell's BusyIndicator). */
export const useBusyStore = create<BusyState>(() => ({ slow: 0, since: null }));

/** The API client marks a call slow once it passes the threshold, and settled when it answers; returns the undo. */
export function markSlow(startedAt: number): () => void {
  useBusyStore.setState((s) => ({ slow: s.slow + 1, since: s.since === null ? startedAt : Math.min(s.since, startedAt) }));
  let done = false;
  return () => {
    if (done) return;
    done = true;
    useBusyStore.setState((s) => (s.slow <= 1 ? { slow: 0, since: null } : { slow: s.slow - 1 }));
  };
}
