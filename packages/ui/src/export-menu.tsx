/** The results bar's Download menu: the search's hits as NDJSON or CSV (export-results.ts). */
import { useState } from 'preact/hooks';
import { failureText } from './api-client.js';
import { EXPORT_MAX, fetchAll, saveFile, toCsv, toNdjson, type ExportRequest } from './export-results.js';

export function ExportMenu({ request, cols }: { request: () => ExportRequest | null; cols: string[] }) {
  const [status, setStatus] = useState<string | null>(null);
  const run = async (kind: 'ndjson' | 'csv', menu: HTMLDetailsElement | null) => {
    if (menu) menu.open = false;
    const req = request();
    if (!req) return;
    setStatus('Downloading…');
    try {
      const { events, more } = await fetchAll(req);
      // An empty file saved without a word read as a download that broke.
      if (events.length === 0) {
        setStatus('Nothing to download: the search found no events');
        return;
      }
      const stamp = req.from.replace(/[:.]/g, '-');
      if (kind === 'ndjson') saveFile(`logship-${stamp}.ndjson`, toNdjson(events), 'application/x-ndjson');
      else saveFile(`logship-${stamp}.csv`, toCsv(events, cols), 'text/csv');
      setStatus(more ? `Downloaded the first ${EXPORT_MAX.toLocaleString()} events` : null);
    } catch (err) {
      setStatus(`Download failed: ${failureText(err)}`);
    }
  };
  return (
    <>
      {status && <span class="muted export-status" role="status">{status}</span>}
      <details class="export">
        <summary>Download</summary>
        <div class="export-menu">
          <button type="button" class="link" onClick={(e) => void run('ndjson', (e.currentTarget as HTMLElement).closest('details'))}>NDJSON (one event a line)</button>
          <button type="button" class="link" onClick={(e) => void run('csv', (e.currentTarget as HTMLElement).closest('details'))}>{cols.length > 0 ? 'CSV (time, the columns shown, message)' : 'CSV (a column a field)'}</button>
        </div>
      </details>
    </>
  );
}
