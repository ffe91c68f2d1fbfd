// The gallery's filter bar. Each control writes its value to the URL at once, except the search, which
// waits for the typing to pause so that every keystroke does not become a query and a history entry.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { modelsQuery } from '../../api/models.ts';
import type { VideoStatus } from '../../api/types.ts';
import { Button } from '../../components/button.tsx';
import { SelectField, TextField } from '../../components/field.tsx';
import { useDebouncedValue } from '../../components/use-debounced-value.ts';
import { GALLERY_STATUSES, hasFilters, type GallerySearch } from './gallery-search.ts';

export const SEARCH_DEBOUNCE_MS = 300;

export function GalleryFilters({ search, onChange }: { search: GallerySearch; onChange: (next: GallerySearch) => void }) {
  const models = useQuery(modelsQuery);
  const [text, setText] = useState(search.q ?? '');
  const settledText = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);

  // Typed text reaches the URL once it settles; a URL change from elsewhere (Back, "Clear") reaches the field.
  useEffect(() => {
    const q = settledText.trim() || undefined;
    if (q !== search.q) onChange({ ...search, q });
    // Only the settled text starts this (not a filter change): the search it extends is the current one.
  }, [settledText]);
  useEffect(() => {
    setText((current) => (current.trim() === (search.q ?? '') ? current : (search.q ?? '')));
  }, [search.q]);

  const set = (patch: Partial<GallerySearch>) => onChange({ ...search, ...patch });
  const modelIds = models.data?.data.map((model) => model.id) ?? [];
  if (search.model && !modelIds.includes(search.model)) modelIds.push(search.model);
  const filtered = hasFilters(search);

  // On a phone the selects and dates pair up, so the first video is not a whole screen below the filters.
  return (
    <form role="search" aria-label="Filter videos" onSubmit={(event) => event.preventDefault()} className="mb-6 grid grid-cols-2 gap-3 [&>:first-child]:col-span-2 [&>:last-child]:col-span-2 sm:[&>:first-child]:col-span-1 sm:[&>:last-child]:col-span-1 lg:grid-cols-[2fr_1fr_1fr_1fr_1fr_auto] lg:items-end">
      <TextField label="Search prompts" type="search" value={text} onChange={(event) => setText(event.currentTarget.value)} placeholder="forest, dawn…" maxLength={200} />
      <SelectField label="Status" value={search.status ?? ''} onChange={(event) => set({ status: (event.currentTarget.value || undefined) as VideoStatus | undefined })}>
        <option value="">Any status</option>
        {GALLERY_STATUSES.map((status) => <option key={status} value={status}>{status}</option>)}
      </SelectField>
      <SelectField label="Model" value={search.model ?? ''} onChange={(event) => set({ model: event.currentTarget.value || undefined })}>
        <option value="">Any model</option>
        {modelIds.map((id) => <option key={id} value={id}>{id}</option>)}
      </SelectField>
      <TextField label="From" type="date" value={search.from ?? ''} max={search.to} onChange={(event) => set({ from: event.currentTarget.value || undefined })} />
      <TextField label="To" type="date" value={search.to ?? ''} min={search.from} onChange={(event) => set({ to: event.currentTarget.value || undefined })} />
      <Button variant="secondary" disabled={!filtered} onClick={() => { setText(''); onChange({}); }}>Clear filters</Button>
    </form>
  );
}
