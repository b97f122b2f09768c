/**
 * Runs one of the query CLI's commands in-process against a real server,
 * with what it writes to stdout and stderr kept: the commands write their
 * errors to process.stderr itself, as the bin does.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface CliRun {
  status: number;
  out: string;
  err: string;
}

export async function runCli(command: (argv: string[], out: NodeJS.WritableStream) => Promise<number>, argv: string[]): Promise<CliRun> {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  const written: string[] = [];
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    const status = await command(argv, sink);
    return { status, out, err: written.join('') };
  } finally {
    process.stderr.write = stderrWrite;
  }
}

/** Listens on loopback, port chosen by the system; returns the server's URL. */
export async function listenLoopback(app: FastifyInstance, scheme: 'http' | 'https' = 'http'): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `${scheme}://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}
