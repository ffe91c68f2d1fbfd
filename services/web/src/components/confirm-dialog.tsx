// A modal question before an action that cannot be undone. role="dialog" with aria-modal rather than a native
// <dialog>, so it behaves the same in every browser and in jsdom: focus moves in, Tab stays in, Escape closes,
// and focus goes back to the control that opened it.
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from './button.tsx';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** The confirm button's look: `danger` for deletions. */
  tone?: 'primary' | 'danger';
  pending?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel = 'Cancel', tone = 'danger', pending = false, onConfirm, onClose }: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // The safe choice gets the focus, so Enter on an opened dialog does not destroy anything.
    panel.current?.querySelector<HTMLButtonElement>('[data-cancel]')?.focus();
    return () => opener?.focus();
  }, [open]);

  if (!open) return null;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (!pending) onClose();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    const focusable = [...panel.current.querySelectorAll<HTMLElement>('button:not([disabled]), [href], input, textarea, select')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="fixed inset-0 z-50 grid place-items-center bg-zinc-950/50 p-4" onKeyDown={onKeyDown}>
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={children ? bodyId : undefined}
        className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
        {children ? <div id={bodyId} className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{children}</div> : null}
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <Button data-cancel variant="secondary" onClick={onClose} disabled={pending}>{cancelLabel}</Button>
          <Button variant={tone} onClick={onConfirm} disabled={pending}>{pending ? `${confirmLabel}…` : confirmLabel}</Button>
        </div>
      </div>
    </div>
  );
}
