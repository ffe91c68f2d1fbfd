// Unfinished videos the worker marked stalled, and ending one by hand: fail it and give the reservation
// back (the provider will not bill it) or fail it and charge the reservation (it may have).
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { TextField } from '../../components/field.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatUnixSeconds, promptPreview } from '../../format.ts';
import type { AdminVideoObject } from '../../api/types.ts';
import { useResolveVideo, useStalledVideos } from './admin-queries.ts';

type Action = 'fail_release' | 'fail_settle';

const ACTIONS: Record<Action, { label: string; explain: string }> = {
  fail_release: { label: 'Fail and release', explain: 'The video ends failed and its whole reservation goes back to the user\'s budget. Choose this when the provider will not bill it.' },
  fail_settle: { label: 'Fail and charge', explain: 'The video ends failed and the reserved amount is charged. Choose this when the provider may have billed it.' },
};

export function StalledVideosSection() {
  const videos = useStalledVideos();
  const resolve = useResolveVideo();
  const [pending, setPending] = useState<{ video: AdminVideoObject; action: Action } | null>(null);
  const [reason, setReason] = useState('');

  if (videos.isPending) return <LoadingState label="Loading stalled videos…" />;
  if (videos.isError) return <ErrorState title="Stalled videos could not be loaded" error={videos.error} onRetry={() => void videos.refetch()} />;
  if (videos.data.data.length === 0) return <EmptyState title="No stalled videos">Every unfinished video is moving.</EmptyState>;

  const confirm = () => {
    if (!pending) return;
    const why = reason.trim();
    resolve.mutate({ videoId: pending.video.id, body: { action: pending.action, ...(why ? { reason: why } : {}) } }, { onSuccess: () => setPending(null) });
  };

  return (
    <>
      <ul aria-label="Stalled videos" className="space-y-3">
        {videos.data.data.map((video) => (
          <li key={video.id} className="rounded-xl border border-zinc-200 p-4 text-sm dark:border-zinc-800">
            <div className="flex flex-wrap items-center gap-2">
              <code>{video.id}</code>
              <StatusBadge status={video.status} />
              <span className="tabular-nums">{video.progress}%</span>
              <span className="text-zinc-600 dark:text-zinc-400">{video.model} · user <code>{video.user_id}</code></span>
            </div>
            <p className="mt-1">{promptPreview(video.prompt)}</p>
            <p className="mt-1 text-zinc-600 dark:text-zinc-400">
              Stalled {video.stalled_at ? formatUnixSeconds(video.stalled_at) : ''} ({video.stalled_reason ?? 'no reason recorded'}); provider status {video.provider_status ?? 'unknown'}, {video.submit_attempts} submit attempts.
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              {(Object.keys(ACTIONS) as Action[]).map((action) => (
                <Button key={action} variant="secondary" aria-label={`${ACTIONS[action].label} ${video.id}`}
                  onClick={() => { resolve.reset(); setReason(''); setPending({ video, action }); }}>
                  {ACTIONS[action].label}
                </Button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${ACTIONS[pending.action].label}?` : ''}
        confirmLabel={pending ? ACTIONS[pending.action].label : ''}
        pending={resolve.isPending}
        onClose={() => setPending(null)}
        onConfirm={confirm}
      >
        <p>{pending ? ACTIONS[pending.action].explain : null}</p>
        <p className="mt-1">Video <code>{pending?.video.id}</code>. This cannot be undone.</p>
        <div className="mt-3">
          <TextField label="Reason (optional)" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)}
            hint="Kept in the audit log and in the video's error message." />
        </div>
        {resolve.error ? <p role="alert" className="mt-2 text-red-700 dark:text-red-400">{resolve.error.message}</p> : null}
      </ConfirmDialog>
    </>
  );
}
