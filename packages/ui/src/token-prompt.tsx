/** Asks once for a read token when the server answers 401; kept for this browser session. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { keepTabInside } from './focus-trap.js';

export function TokenPrompt({ reason, onToken }: { reason: string; onToken: (t: string) => void }) {
  const [value, setValue] = useState('');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keepTabInside(e, box.current);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="overlay">
      <div class="dialog token" ref={box} role="dialog" aria-modal="true" aria-label="Read token">
      <form
        class="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <h2>This server needs a read token</h2>
        <p role="alert" class="error-text">{reason}</p>
        <label>
          Token <input type="password" aria-label="Token" autoFocus value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} autoComplete="off" />
        </label>
        <button type="submit">Use token</button>
        <p class="muted">It is kept for this browser session only and sent as <code>Authorization: Bearer</code>.</p>
      </form>
      </div>
    </div>
  );
}
