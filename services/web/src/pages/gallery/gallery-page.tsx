// Gallery: the caller's videos as cards, newest first, filtered by the URL's search params, a cursor page
// at a time as the end of the list scrolls into view. Status and progress change live (live/video-cache.ts).
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { PageHeader } from '../../components/app-shell.tsx';
import { Button } from '../../components/button.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { GalleryFilters } from './gallery-filters.tsx';
import { hasFilters, listFiltersOf, parseGallerySearch, type GallerySearch } from './gallery-search.ts';
import { useVideoList } from './use-video-list.ts';
import { VideoCard } from './video-card.tsx';

export function GalleryPage() {
  const search = useSearch({ from: '/signed-in/gallery' });
  const navigate = useNavigate({ from: '/gallery' });
  const list = useVideoList(listFiltersOf(search));
  const videos = list.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = hasFilters(search);

  // A choice is a history entry (Back undoes it); the settling search text replaces its own entry instead.
  const setSearch = (next: GallerySearch) => {
    const typed = next.q !== search.q && next.status === search.status && next.model === search.model && next.from === search.from && next.to === search.to;
    void navigate({ search: parseGallerySearch({ ...next }), replace: typed });
  };

  return (
    <>
      <PageHeader title="Gallery">Your videos, newest first. Hover a finished one (or focus it and press the arrow keys) to scrub through it.</PageHeader>
      <GalleryFilters search={search} onChange={setSearch} />
      {list.isPending ? <LoadingState label="Loading videos…" /> : null}
      {list.isError && !list.data ? <ErrorState title="The videos could not be loaded" error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && videos.length === 0 ? (
        <EmptyState title={filtered ? 'No video matches these filters' : 'No videos yet'}>
          {filtered ? 'Try another search or clear the filters.' : 'Videos you create appear here, and update as they render.'}
        </EmptyState>
      ) : null}
      {videos.length > 0 ? (
        <ul aria-label="Videos" className="grid grid-cols-1 gap-4 min-[420px]:grid-cols-2 md:grid-cols-3 lg:grid-cols-4">
          {videos.map((video) => <VideoCard key={video.id} video={video} />)}
        </ul>
      ) : null}
      {list.isFetchNextPageError ? <div className="mt-4"><ErrorState title="More videos could not be loaded" error={list.error} /></div> : null}
      {list.hasNextPage ? (
        <LoadMore loading={list.isFetchingNextPage} failed={list.isFetchNextPageError} onLoad={() => { if (!list.isFetchingNextPage) void list.fetchNextPage(); }} />
      ) : null}
    </>
  );
}

/** The end of the list: loads the next page when it scrolls into view, and as a button for keyboards and old browsers. */
function LoadMore({ loading, failed, onLoad }: { loading: boolean; failed: boolean; onLoad: () => void }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latestOnLoad = useRef(onLoad);
  latestOnLoad.current = onLoad;

  // Observed afresh after each page: observe() reports at once, so a sentinel still in view loads the next page
  // too. After a failure only the button retries, so a broken page is not asked for in a loop.
  useEffect(() => {
    const element = sentinel.current;
    if (loading || failed || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) latestOnLoad.current();
    }, { rootMargin: '400px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [loading, failed]);

  return (
    <div ref={sentinel} className="mt-6 flex justify-center">
      <Button variant="secondary" onClick={onLoad} disabled={loading}>{loading ? 'Loading…' : 'Load more'}</Button>
    </div>
  );
}
