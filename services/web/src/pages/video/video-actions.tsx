// What the owner can do to a video: cancel it while it renders, remix it once completed, delete it (asked first).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { VideoObject } from '../../api/types.ts';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { TextAreaField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import { formatUnixSeconds } from '../../format.ts';

const path = (video: VideoObject, tail = '') => `/v1/videos/${encodeURIComponent(video.id)}${tail}`;

function CancelVideo({ video }: { video: VideoObject }) {
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api<VideoObject>(path(video, '/cancel'), { method: 'POST' }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.video(video.id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.videoEvents(video.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
      void queryClient.invalidateQueries({ queryKey: queryKeys.usage });
    },
  });
  if (video.status !== 'queued' && video.status !== 'in_progress') return null;
  if (video.cancel_requested_at) {
    return (
      <p className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
        Cancel asked {formatUnixSeconds(video.cancel_requested_at)}. The provider already has this video: it runs to its end and is charged what the provider bills.
      </p>
    );
  }
  return (
    <div className="space-y-2">
      <Button variant="secondary" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
        {cancel.isPending ? 'Cancelling…' : 'Cancel video'}
      </Button>
      {cancel.isError ? <ErrorState title="The video could not be cancelled" error={cancel.error} /> : null}
    </div>
  );
}

function DeleteVideo({ video }: { video: VideoObject }) {
  const [asking, setAsking] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => api<unknown>(path(video), { method: 'DELETE' }),
    onSuccess: () => {
      setAsking(false);
      queryClient.removeQueries({ queryKey: queryKeys.video(video.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
      void queryClient.invalidateQueries({ queryKey: queryKeys.usage });
      void navigate({ to: '/gallery' });
    },
  });
  const unfinished = video.status === 'queued' || video.status === 'in_progress';
  return (
    <>
      <Button variant="danger" onClick={() => setAsking(true)}>Delete video</Button>
      <ConfirmDialog
        open={asking}
        title="Delete this video?"
        confirmLabel="Delete"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setAsking(false);
          remove.reset();
        }}
      >
        <p>Its video, thumbnail and spritesheet are deleted for good. Billing records are kept.</p>
        {unfinished ? <p className="mt-2">It is still rendering: if the provider already has it, it runs to its end and is charged.</p> : null}
        {remove.isError ? <div className="mt-3"><ErrorState title="The video could not be deleted" error={remove.error} /></div> : null}
      </ConfirmDialog>
    </>
  );
}

function RemixVideo({ video }: { video: VideoObject }) {
  const [prompt, setPrompt] = useState('');
  // One key per remix the user means: a retry or a double click of the same prompt reuses it.
  const idempotency = useRef<{ prompt: string; key: string } | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remix = useMutation({
    mutationFn: ({ text, key }: { text: string; key: string }) => api<VideoObject>(path(video, '/remix'), { method: 'POST', body: { prompt: text }, idempotencyKey: key }),
    onSuccess: (created) => {
      idempotency.current = null;
      setPrompt('');
      queryClient.setQueryData(queryKeys.video(created.id), created);
      void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
      void queryClient.invalidateQueries({ queryKey: queryKeys.usage });
      void navigate({ to: '/videos/$videoId', params: { videoId: created.id } });
    },
  });
  if (video.status !== 'completed') return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = prompt.trim();
    if (!text || remix.isPending) return;
    if (idempotency.current?.prompt !== text) idempotency.current = { prompt: text, key: newIdempotencyKey() };
    remix.mutate({ text, key: idempotency.current.key });
  };

  return (
    <form onSubmit={submit} className="space-y-2" aria-label="Remix">
      <TextAreaField
        label="Remix prompt"
        rows={3}
        value={prompt}
        onChange={(event) => setPrompt(event.target.value)}
        hint="A new video from this one, changed as you describe. It is charged like a new video."
      />
      {remix.isError ? <ErrorState title="The remix was refused" error={remix.error} /> : null}
      <Button type="submit" disabled={remix.isPending || prompt.trim() === ''}>{remix.isPending ? 'Remixing…' : 'Remix'}</Button>
    </form>
  );
}

export function VideoActions({ video }: { video: VideoObject }) {
  return (
    <section aria-labelledby="actions-heading" className="space-y-4">
      <h2 id="actions-heading" className="text-sm font-semibold">Actions</h2>
      <RemixVideo video={video} />
      <div className="flex flex-wrap items-start gap-2">
        <CancelVideo video={video} />
        <DeleteVideo video={video} />
      </div>
    </section>
  );
}
