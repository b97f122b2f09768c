/**
 * The frames of a live tail (`/api/v1/tail`, server-sent events) read until
 * `done` says enough or the stream goes idle: the first `: keep-alive`
 * comes once the stream has sent all it had (a replay from the store and
 * what it had to say of it), so a test that waits for a frame that never
 * comes ends there instead of hanging.
 */
export interface TailFrame {
  event: string;
  data: string;
}

export async function readTail(url: string, done: (frames: readonly TailFrame[]) => boolean): Promise<TailFrame[]> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${await res.text()}`);
  const frames: TailFrame[] = [];
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let idle = false;
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const lines = text.slice(0, end).split('\n');
        text = text.slice(end + 2);
        if (lines.includes(': keep-alive')) idle = true;
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event && data) frames.push({ event, data });
      }
      if (idle || done(frames)) break;
    }
  } finally {
    ac.abort();
  }
  return frames;
}
