import { describe, expect, it } from 'vitest';
import { spriteGridOf, tileAt, tileStyle } from '../src/pages/gallery/sprite-grid.ts';

// Sheets as the emulator renders them: 96 px on the short side, one tile per second, four to a row.
describe('spritesheet grid', () => {
  it('reads one row of a 4 s portrait video', () => {
    expect(spriteGridOf({ naturalWidth: 384, naturalHeight: 170 }, { size: '720x1280', seconds: '4' })).toEqual({ columns: 4, rows: 1, tiles: 4 });
  });

  it('tells 8 tiles in two rows from the same aspect as 2 in one, by the video\'s length', () => {
    expect(spriteGridOf({ naturalWidth: 384, naturalHeight: 340 }, { size: '720x1280', seconds: '8' })).toEqual({ columns: 4, rows: 2, tiles: 8 });
    expect(spriteGridOf({ naturalWidth: 192, naturalHeight: 170 }, { size: '720x1280', seconds: '2' })).toEqual({ columns: 2, rows: 1, tiles: 2 });
  });

  it('reads a landscape sheet of 12 s in three rows, and a part-filled last row', () => {
    expect(spriteGridOf({ naturalWidth: 672, naturalHeight: 288 }, { size: '1792x1024', seconds: '12' })).toEqual({ columns: 4, rows: 3, tiles: 12 });
    expect(spriteGridOf({ naturalWidth: 384, naturalHeight: 340 }, { size: '720x1280', seconds: '6' })).toEqual({ columns: 4, rows: 2, tiles: 6 });
  });

  it('trusts the image when it holds fewer tiles than the length suggests', () => {
    expect(spriteGridOf({ naturalWidth: 384, naturalHeight: 170 }, { size: '720x1280', seconds: '12' })).toEqual({ columns: 4, rows: 1, tiles: 4 });
  });

  it('gives no grid for an image that has not loaded or a size it cannot read', () => {
    expect(spriteGridOf({ naturalWidth: 0, naturalHeight: 0 }, { size: '720x1280', seconds: '4' })).toBeNull();
    expect(spriteGridOf({ naturalWidth: 384, naturalHeight: 170 }, { size: 'portrait', seconds: '4' })).toBeNull();
  });

  it('picks the tile under the pointer and positions the sheet on it', () => {
    const grid = { columns: 4, rows: 3, tiles: 12 };
    expect(tileAt(grid, 0)).toBe(0);
    expect(tileAt(grid, 0.5)).toBe(6);
    expect(tileAt(grid, 1)).toBe(11);
    expect(tileAt(grid, -0.2)).toBe(0);
    expect(tileStyle(grid, 6, '/sheet.jpg')).toEqual({
      backgroundImage: 'url("/sheet.jpg")',
      backgroundSize: '400% 300%',
      // Tile 6 is column 2 of 0..3 and row 1 of 0..2.
      backgroundPosition: '66.667% 50%',
    });
    expect(tileStyle({ columns: 1, rows: 1, tiles: 1 }, 0, '/one.jpg').backgroundPosition).toBe('0% 0%');
  });
});
