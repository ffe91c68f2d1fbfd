// The key list: a table on wide screens that scrolls sideways at 390 px rather than squeezing its columns.
import { Button } from '../../components/button.tsx';
import { formatUnixSeconds } from '../../format.ts';
import type { ApiKeyObject } from '../../api/types.ts';

const CELL = 'px-3 py-2 text-left align-middle';

export function ApiKeyTable({ keys, onRevoke }: { keys: ApiKeyObject[]; onRevoke: (key: ApiKeyObject) => void }) {
  // Focusable so a keyboard can scroll it sideways at 390 px; relative so the sr-only parts scroll (and clip) with it.
  return (
    <div role="region" aria-label="Your API keys" tabIndex={0} className="relative overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800">
      <table className="w-full min-w-[36rem] text-sm">
        <caption className="sr-only">Your API keys</caption>
        <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
          <tr>
            <th scope="col" className={CELL}>Name</th>
            <th scope="col" className={CELL}>Prefix</th>
            <th scope="col" className={CELL}>Created</th>
            <th scope="col" className={CELL}>Last used</th>
            <th scope="col" className={CELL}>Status</th>
            <th scope="col" className={CELL}><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {keys.map((key) => (
            <tr key={key.id} className={key.revoked_at ? 'text-zinc-500 dark:text-zinc-400' : ''}>
              <td className={`${CELL} font-medium`}>{key.name}</td>
              <td className={CELL}><code>{key.prefix}…</code></td>
              <td className={CELL}>{formatUnixSeconds(key.created_at)}</td>
              <td className={CELL}>{key.last_used_at ? formatUnixSeconds(key.last_used_at) : 'Never'}</td>
              <td className={CELL}>
                {key.revoked_at ? (
                  <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900 dark:bg-red-950 dark:text-red-200">
                    Revoked {formatUnixSeconds(key.revoked_at)}
                  </span>
                ) : (
                  <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">Active</span>
                )}
              </td>
              <td className={`${CELL} text-right`}>
                {key.revoked_at ? null : (
                  <Button variant="secondary" onClick={() => onRevoke(key)} aria-label={`Revoke ${key.name}`}>Revoke</Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
