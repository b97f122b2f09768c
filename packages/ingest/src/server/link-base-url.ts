import { hostname } from 'node:os';
import { formatHostForUrl } from '../config/parse-listen.js';

/**
 * The base of the links the server gives out (an alert's generatorURL when
 * alerting.external_url is unset), for the address it listens on. A
 * wildcard address is no address to follow from an alert: Prometheus uses
 * the machine's host name there, and so do we.
 */
export function linkBaseUrl(host: string, port: number, tls: boolean, machine: string = hostname()): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  return `${tls ? 'https' : 'http'}://${formatHostForUrl(wildcard ? machine : host)}:${port}`;
}
