import type { FileSourceConfig } from './config.js';
import { dockerContainerFields } from './docker-json-file.js';
import { podLogFields } from './kubernetes-pod-log.js';

/**
 * The constant part of a file's envelopes (host, source, labels, the
 * container's fields), serialized once: `,"host":…` to close an envelope
 * after its raw text and id. `dockerPath`: the file's path when it is a
 * docker json-file log; `cri`: a kubernetes pod log, its fields from
 * `sourcePath`, where the content was first read (`3.log`, also once the
 * kubelet renamed it `3.log.<time>`).
 */
export function envelopeSuffix(host: string, sourcePath: string, config: FileSourceConfig, dockerPath: string | null, cri: boolean): string {
  return ',' + JSON.stringify({
    host,
    source: sourcePath,
    ...config.labels,
    ...(config.timezone !== undefined ? { '@timezone': config.timezone } : {}),
    ...(dockerPath !== null ? dockerContainerFields(dockerPath) : {}),
    ...(cri ? podLogFields(sourcePath) : {}),
  }).slice(1);
}
