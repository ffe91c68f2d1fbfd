// Create: a prompt and the catalogue's choices, a live quote as the form changes, and one video per submit.
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { defaultModelOf, modelsQuery } from '../../api/models.ts';
import type { ModelObject } from '../../api/types.ts';
import { PageHeader } from '../../components/app-shell.tsx';
import { Button } from '../../components/button.tsx';
import { SelectField, TextAreaField } from '../../components/field.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatMicros } from '../../format.ts';
import { QuotePanel, refusalOf } from './quote-panel.tsx';
import { RecentVideos } from './recent-videos.tsx';
import { ReferenceImageField } from './reference-image-field.tsx';
import { useCreateVideo } from './use-create-video.ts';
import { isQuotable, useVideoQuote } from './use-video-quote.ts';
import { emptyForm, withModel, type CreateForm } from './video-request.ts';

export function CreatePage() {
  const models = useQuery(modelsQuery);
  return (
    <>
      <PageHeader title="Create">Describe a video; the quote shows what it costs before you spend anything.</PageHeader>
      {models.isPending ? <LoadingState label="Loading the models…" /> : null}
      {models.isError ? <ErrorState title="The models could not be loaded" error={models.error} onRetry={() => void models.refetch()} /> : null}
      {models.data && models.data.data.length === 0 ? <EmptyState title="No models are configured">Ask an administrator to set up the model catalogue.</EmptyState> : null}
      {models.data && models.data.data.length > 0 ? <CreateVideoForm models={models.data.data} /> : null}
      <RecentVideos />
    </>
  );
}

function CreateVideoForm({ models }: { models: ModelObject[] }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<CreateForm>(() => emptyForm(defaultModelOf(models)));
  const quote = useVideoQuote(form);
  const create = useCreateVideo();
  const reasonId = useId();
  const model = models.find((candidate) => candidate.id === form.model) ?? defaultModelOf(models);

  const change = (next: Partial<CreateForm>) => setForm((current) => ({ ...current, ...next }));
  const quotable = isQuotable(form);
  const refusal = quotable && quote.data && !quote.isSettling ? refusalOf(quote.data) : null;
  const blockedBecause = !quotable ? 'Write a prompt first.' : refusal;
  const busy = create.isPending || create.isSuccess;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (blockedBecause) return;
    create.submit(form, { onSuccess: (video) => void navigate({ to: '/videos/$videoId', params: { videoId: video.id } }) });
  };

  return (
    // One grid for the whole form: on a phone the quote sits between the fields and the button it decides about.
    <form onSubmit={onSubmit} noValidate className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <div className="space-y-4 lg:col-start-1">
        <TextAreaField
          label="Prompt"
          rows={5}
          value={form.prompt}
          maxLength={32_000}
          onChange={(event) => change({ prompt: event.currentTarget.value })}
          placeholder="A slow dolly shot across a misty pine forest at dawn"
          hint="What the video shows: subject, setting, camera, light."
        />
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            label="Model"
            value={form.model}
            onChange={(event) => {
              const chosen = models.find((candidate) => candidate.id === event.currentTarget.value);
              if (chosen) setForm((current) => withModel(current, chosen));
            }}
          >
            {models.map((option) => <option key={option.id} value={option.id}>{option.id}</option>)}
          </SelectField>
          <SelectField label="Size" value={form.size} onChange={(event) => change({ size: event.currentTarget.value })}>
            {model?.sizes.map((option) => (
              <option key={option.size} value={option.size}>{option.size} · {formatMicros(option.price_per_second_micros)}/s</option>
            ))}
          </SelectField>
          <SelectField label="Seconds" value={form.seconds} onChange={(event) => change({ seconds: event.currentTarget.value })}>
            {model?.seconds.map((option) => <option key={option} value={option}>{option} s</option>)}
          </SelectField>
        </div>
        <ReferenceImageField file={form.reference} onChange={(reference) => change({ reference })} size={form.size} disabled={busy} />
        {create.error ? <ErrorState title="The video was not created" error={create.error} /> : null}
      </div>
      <div className="lg:col-start-2 lg:row-span-2 lg:row-start-1">
        <QuotePanel
          quote={quote.data}
          error={quote.error}
          pending={quote.isSettling}
          hint={quotable ? null : 'Write a prompt to see its price and the budget left after it.'}
        />
      </div>
      <div className="flex flex-wrap items-center gap-3 lg:col-start-1">
        <Button type="submit" disabled={busy || blockedBecause !== null} aria-describedby={blockedBecause && !busy ? reasonId : undefined}>
          Create video
        </Button>
        <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
          {create.isPending ? 'Creating…' : create.isSuccess ? 'Created; opening the video…' : ''}
        </p>
        {blockedBecause && !busy ? (
          <p id={reasonId} className={`text-sm ${refusal ? 'text-red-800 dark:text-red-300' : 'text-zinc-700 dark:text-zinc-300'}`}>{blockedBecause}</p>
        ) : null}
      </div>
    </form>
  );
}
