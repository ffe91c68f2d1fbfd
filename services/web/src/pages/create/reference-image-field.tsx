// The optional reference image: a file input, a preview of the chosen image with its pixel size, and a way to
// remove it. The provider wants the image at the video's size, so a mismatch is pointed out before paying.
import { useEffect, useId, useRef, useState } from 'react';
import { Button } from '../../components/button.tsx';

const ACCEPTED = 'image/jpeg,image/png,image/webp';

/** An object URL for the preview, revoked when the file changes or the field goes away. */
function usePreviewUrl(file: File | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file || typeof URL.createObjectURL !== 'function') {
      setUrl(null);
      return;
    }
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file]);
  return url;
}

interface ReferenceImageFieldProps {
  file: File | null;
  onChange: (file: File | null) => void;
  /** The video's size, `WIDTHxHEIGHT`, that the image should have. */
  size: string;
  disabled?: boolean;
}

export function ReferenceImageField({ file, onChange, size, disabled }: ReferenceImageFieldProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const preview = usePreviewUrl(file);
  // Measured from the preview once it loads; keyed by the URL so a new file never shows the old one's size.
  const [measured, setMeasured] = useState<{ url: string; pixels: string } | null>(null);
  const pixels = measured && measured.url === preview ? measured.pixels : null;

  const remove = () => {
    if (input.current) input.current.value = '';
    onChange(null);
  };

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">Reference image</label>
      <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Optional. JPEG, PNG or WebP; the video starts from it.</p>
      <input
        ref={input}
        id={id}
        type="file"
        accept={ACCEPTED}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onChange={(event) => onChange(event.currentTarget.files?.[0] ?? null)}
        className="mt-1 block w-full text-sm text-zinc-700 file:mr-3 file:rounded-lg file:border-0 file:bg-emerald-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-emerald-800 hover:file:bg-emerald-100 dark:text-zinc-300 dark:file:bg-emerald-950 dark:file:text-emerald-200"
      />
      {file ? (
        <div className="mt-2 flex items-center gap-3">
          {preview ? (
            <img
              src={preview}
              alt={`Preview of ${file.name}`}
              onLoad={(event) => setMeasured({ url: preview, pixels: `${event.currentTarget.naturalWidth}x${event.currentTarget.naturalHeight}` })}
              className="h-20 w-20 rounded-lg border border-zinc-200 object-cover dark:border-zinc-700"
            />
          ) : null}
          <span className="min-w-0 truncate text-sm text-zinc-700 dark:text-zinc-300">{pixels ? `${pixels.replace('x', '×')} px` : file.name}</span>
          <Button variant="secondary" onClick={remove} disabled={disabled} aria-label={`Remove reference image ${file.name}`}>Remove</Button>
        </div>
      ) : null}
      {pixels && pixels !== size ? (
        <p role="status" className="mt-2 text-sm text-amber-800 dark:text-amber-300">
          This image is {pixels}; the provider expects the video&apos;s size, {size}. Choose that size or resize the image.
        </p>
      ) : null}
    </div>
  );
}
