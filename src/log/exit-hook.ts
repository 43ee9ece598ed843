/**
 * The process exit hook for open writers: on exit, each makes what it wrote durable (a sync write
 * and fdatasync; no sealing). One hook for the process, installed with the first open writer.
 */
export interface FlushesOnExit {
  flushOnExit(): void;
}

const open = new Set<FlushesOnExit>();
let installed = false;

export function flushOnExitWhileOpen(w: FlushesOnExit): void {
  open.add(w);
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const x of open) x.flushOnExit();
  });
}

export function forgetOnExit(w: FlushesOnExit): void {
  open.delete(w);
}
