// Creating a video. A submit is one user action with one Idempotency-Key: a second click while it runs, or
// after it succeeded (the page is on its way to the new video), is ignored, and a retry of the same form
// after a failure reuses the key, so the API makes one video at most. A changed form is another request and
// gets a fresh key (the API refuses a key reused with other fields).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api, newIdempotencyKey } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { VideoObject } from '../../api/types.ts';
import { requestIdentity, videoRequestBody, type CreateForm } from './video-request.ts';

interface HeldKey {
  key: string;
  identity: string;
}

export function useCreateVideo() {
  const queryClient = useQueryClient();
  const heldKey = useRef<HeldKey | null>(null);
  // Set in the click's own tick (a double click arrives before React re-renders the disabled button), and
  // cleared only by a failure: after a success the page is leaving for the new video.
  const inFlight = useRef(false);

  const mutation = useMutation({
    mutationFn: ({ form, idempotencyKey }: { form: CreateForm; idempotencyKey: string }) =>
      api<VideoObject>('/v1/videos', { method: 'POST', body: videoRequestBody(form), idempotencyKey }),
    onSuccess: (video) => {
      queryClient.setQueryData(queryKeys.video(video.id), video);
      void queryClient.invalidateQueries({ queryKey: queryKeys.videoLists });
      // The budgets the quote showed now hold this video's reservation.
      void queryClient.invalidateQueries({ queryKey: queryKeys.videoQuotes });
      void queryClient.invalidateQueries({ queryKey: queryKeys.usage });
    },
    onError: () => {
      inFlight.current = false;
    },
  });

  function submit(form: CreateForm, options?: { onSuccess?: (video: VideoObject) => void }): void {
    if (inFlight.current) return;
    inFlight.current = true;
    const identity = JSON.stringify(requestIdentity(form));
    if (heldKey.current?.identity !== identity) heldKey.current = { key: newIdempotencyKey(), identity };
    mutation.mutate({ form, idempotencyKey: heldKey.current.key }, options);
  }

  return { submit, isPending: mutation.isPending, isSuccess: mutation.isSuccess, error: mutation.error };
}
