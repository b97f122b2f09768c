/**
 * Keeps a demo log folder filling with realistic lines, as a small Django
 * site behind nginx would write them (line makers from scripts/corpus.mjs):
 *   django.log        python-json-logger JSON (requests, slow queries, login
 *                     failures, tracebacks as exc_info)
 *   nginx-access.log  nginx json_combined access lines
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { djangoLine, nginxLine, rng } from '../corpus.mjs';

/** Appends `perTick` lines to each file every `intervalMs` until stopped. */
export function startGenerator(dir, { intervalMs = 250, perTick = 5, seed = 42 } = {}) {
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const django = join(dir, 'django.log');
  const nginx = join(dir, 'nginx-access.log');
  const tick = () => {
    const now = new Date();
    let d = '';
    let n = '';
    for (let i = 0; i < perTick; i++) {
      d += JSON.stringify(djangoLine(r, now)) + '\n';
      n += JSON.stringify(nginxLine(r, now)) + '\n';
    }
    appendFileSync(django, d);
    appendFileSync(nginx, n);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return () => clearInterval(timer);
}
