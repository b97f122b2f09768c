/**
 * Asks for a read token when the server refuses the page's first request
 * (api-client.ts's sign-in gate); kept for this browser session. It opens
 * as a plain sign-in prompt: an error is said only once a token the user
 * gave was refused, and says which refusal it was.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { keepTabInside } from './focus-trap.js';

/** Why the prompt is open: the server's refusal, and whether a token had been given. */
export interface AuthRefusal {
  status: number;
  code: string;
  message: string;
  /** A token was sent (one the user gave this session): it was refused, not missing. */
  tokenGiven: boolean;
}

/** What the prompt says of a refusal; null for the first ask (no token was given, none was wrong). */
export function refusalText(r: AuthRefusal): string | null {
  if (r.code === 'LS_AUTH_TOO_MANY_FAILURES') return `Too many refused tokens from this address (${r.status} ${r.code}): ${r.message}`;
  if (r.status === 403) return `This token is valid but may not read logs: it lacks the read scope (${r.status} ${r.code}). Enter a token with the read scope.`;
  if (!r.tokenGiven) return null;
  return `The server did not accept this token (${r.status} ${r.code}): check it and enter it again.`;
}

export function TokenPrompt({ refusal, onToken }: { refusal: AuthRefusal; onToken: (t: string) => void }) {
  const reason = refusalText(refusal);
  const [value, setValue] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  // Focus in as it opens again after a refused token too (autoFocus alone left it on the page).
  useEffect(() => input.current?.focus(), []);
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
        {reason !== null && <p role="alert" class="error-text">{reason}</p>}
        <label>
          Token <input type="password" aria-label="Token" ref={input} autoFocus value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} autoComplete="off" />
        </label>
        <button type="submit">Use token</button>
        <p class="muted">It is kept for this browser session only and sent as <code>Authorization: Bearer</code>.</p>
      </form>
      </div>
    </div>
  );
}
