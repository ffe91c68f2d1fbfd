// Scrubbing a card through its spritesheet: the sheet loads on the first hover or focus (not with the page),
// the pointer's x picks a tile, arrow keys step through them, and leaving shows the thumbnail again.
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { VideoObject } from '../../api/types.ts';
import { spriteGridOf, tileAt, tileStyle, type SpriteGrid } from './sprite-grid.ts';

export function contentUrl(videoId: string, variant: 'thumbnail' | 'spritesheet'): string {
  return `/v1/videos/${encodeURIComponent(videoId)}/content?variant=${variant}`;
}

export function useSpriteScrub(video: Pick<VideoObject, 'id' | 'size' | 'seconds' | 'status'>) {
  const [grid, setGrid] = useState<SpriteGrid | null>(null);
  const [tile, setTile] = useState<number | null>(null);
  const loading = useRef(false);
  // Where the pointer is while the sheet loads, so the first tile shows as soon as it arrives.
  const pointerAt = useRef<number | null>(null);
  const enabled = video.status === 'completed';
  const sheetUrl = contentUrl(video.id, 'spritesheet');

  const load = useCallback(() => {
    if (!enabled || loading.current) return;
    loading.current = true;
    const image = new Image();
    image.onload = () => {
      const loaded = spriteGridOf(image, video);
      setGrid(loaded);
      if (loaded && pointerAt.current !== null) setTile(tileAt(loaded, pointerAt.current));
    };
    image.src = sheetUrl;
  }, [enabled, sheetUrl, video]);

  const onPointerMove = (event: PointerEvent<HTMLElement>) => {
    load();
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width <= 0) return;
    pointerAt.current = (event.clientX - box.left) / box.width;
    if (grid) setTile(tileAt(grid, pointerAt.current));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (!grid || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    event.preventDefault();
    const step = event.key === 'ArrowRight' ? 1 : -1;
    setTile((current) => Math.min(grid.tiles - 1, Math.max(0, (current ?? -1) + step)));
  };

  const reset = () => {
    pointerAt.current = null;
    setTile(null);
  };
  const style = grid && tile !== null ? tileStyle(grid, tile, sheetUrl) : null;

  return {
    /** The background that shows the current tile, or null for the thumbnail. */
    style,
    tile,
    tiles: grid?.tiles ?? 0,
    handlers: enabled ? { onPointerEnter: onPointerMove, onPointerMove, onPointerLeave: reset, onFocus: load, onBlur: reset, onKeyDown } : {},
  };
}
