// Where each frame sits in a video's spritesheet. The emulator's sheet (services/emulator/src/render/
// thumbnail.ts, video-render.ts) has one tile per second of video, left to right and top to bottom, at
// most 4 to a row; each tile has the video's aspect ratio. So, from the image and the video:
//   columns = min(4, tiles expected from `seconds`);
//   tile height = (natural width / columns) / aspect, where aspect = width / height of the video's `size`;
//   rows = natural height / tile height, rounded (tiles are whole pixels, so the ratio is near an integer);
//   tiles = the expected count when the grid holds it (the last row may be part full), else the whole grid.
// The image alone cannot tell 2 tiles in a row from 8 in two rows (both are twice as wide as tall per
// aspect), which is why the video's length settles the column count.
export const MAX_SPRITE_COLUMNS = 4;

export interface SpriteGrid {
  columns: number;
  rows: number;
  tiles: number;
}

/** `720x1280` → 0.5625; NaN when the size is not WIDTHxHEIGHT. */
export function aspectOf(size: string): number {
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match) return Number.NaN;
  return Number(match[1]) / Number(match[2]);
}

export function spriteGridOf(image: { naturalWidth: number; naturalHeight: number }, video: { size: string; seconds: string }): SpriteGrid | null {
  const aspect = aspectOf(video.size);
  const expected = Math.ceil(Number(video.seconds));
  if (!(image.naturalWidth > 0 && image.naturalHeight > 0 && aspect > 0)) return null;
  const columns = Number.isFinite(expected) && expected >= 1
    ? Math.min(MAX_SPRITE_COLUMNS, expected)
    // Without a length: the column count whose tiles come nearest the video's aspect in one row.
    : Math.min(MAX_SPRITE_COLUMNS, Math.max(1, Math.round(image.naturalWidth / (image.naturalHeight * aspect))));
  const tileHeight = image.naturalWidth / columns / aspect;
  const rows = Math.max(1, Math.round(image.naturalHeight / tileHeight));
  const capacity = columns * rows;
  const tiles = Number.isFinite(expected) && expected >= 1 && expected <= capacity ? expected : capacity;
  return { columns, rows, tiles };
}

/** The tile under a pointer at `fraction` (0..1) of the card's width. */
export function tileAt(grid: SpriteGrid, fraction: number): number {
  return Math.min(grid.tiles - 1, Math.max(0, Math.floor(fraction * grid.tiles)));
}

/** CSS that shows tile `index` of the sheet filling the box (background-size scales the sheet to the grid). */
export function tileStyle(grid: SpriteGrid, index: number, sheetUrl: string): { backgroundImage: string; backgroundSize: string; backgroundPosition: string } {
  const column = index % grid.columns;
  const row = Math.floor(index / grid.columns);
  const percent = (position: number, count: number) => (count > 1 ? Math.round((position / (count - 1)) * 100_000) / 1000 : 0);
  return {
    backgroundImage: `url("${sheetUrl}")`,
    backgroundSize: `${grid.columns * 100}% ${grid.rows * 100}%`,
    backgroundPosition: `${percent(column, grid.columns)}% ${percent(row, grid.rows)}%`,
  };
}
