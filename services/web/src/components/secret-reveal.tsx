// A secret the API shows once (a new API key, a webhook signing secret): a read-only field to select, a
// copy button, and the warning that it will not be shown again. It lives in React state only. The label names
// the field alone (not a wrapper too), so finding it by label finds one element.
import { useId, useState } from 'react';
import { Button } from './button.tsx';

export function SecretReveal({ label, value, onDismiss }: { label: string; value: string; onDismiss: () => void }) {
  const id = useId();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copyValue = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <div className="rounded-xl border border-amber-300 bg-amber-50 p-4 dark:border-amber-700 dark:bg-amber-950">
      <label htmlFor={id} className="block text-sm font-medium text-amber-950 dark:text-amber-100">{label}</label>
      <div className="mt-1 flex flex-wrap gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          aria-describedby={`${id}-warning`}
          className="min-w-0 flex-1 rounded-lg border border-amber-300 bg-white px-3 py-2 font-mono text-sm dark:border-amber-700 dark:bg-zinc-900"
        />
        <Button variant="secondary" onClick={() => void copyValue()}>{copy === 'copied' ? 'Copied' : 'Copy'}</Button>
      </div>
      <p id={`${id}-warning`} className="mt-2 text-sm text-amber-900 dark:text-amber-200">
        Copy it now and keep it somewhere safe: it will not be shown again.
      </p>
      <p aria-live="polite" className="text-sm text-amber-900 dark:text-amber-200">
        {copy === 'copied' ? 'Copied to the clipboard.' : copy === 'failed' ? 'The browser refused the clipboard; select the text and copy it by hand.' : ''}
      </p>
      <Button variant="ghost" className="mt-2" onClick={onDismiss}>I have saved it</Button>
    </div>
  );
}
