/**
 * Where the kubelet has the runtime write a container's log:
 *
 *   /var/log/pods/<namespace>_<pod name>_<pod uid>/<container name>/<restart count>.log
 *
 * and, once the kubelet rotated it, `<restart count>.log.<YYYYMMDD-hhmmss>`
 * (then `.gz`, never read: it is a copy of lines already read). Namespaces
 * and pod names are DNS names and the uid a UUID or a hash, none holding an
 * `_`, so the directory name splits unambiguously. `/var/log/containers/*.log`
 * are symlinks to these files, named without the pod uid: following both
 * would read every line twice, so only paths of this layout are read.
 */
const POD_LOG = /\/([^/_]+)_([^/_]+)_([^/_]+)\/([^/]+)\/(\d+)\.log(?:\.\d{8}-\d{6})?$/;

/** Where the kubelet writes (the `kubernetes` preset's default include). */
export const KUBERNETES_INCLUDE = '/var/log/pods/*/*/*.log';

/** The directory of the kubelet's symlinks to the pod logs (refused as an include). */
export const KUBERNETES_SYMLINK_DIR = '/var/log/containers/';

/** Whether a path is a container log (or a rotated one) in the kubelet's layout. */
export function isPodLogPath(path: string): boolean {
  return POD_LOG.test(path);
}

/**
 * The fields every event of a pod log carries, named as Filebeat's
 * kubernetes metadata (and ECS) names them, beside the docker preset's
 * `container.*`: `kubernetes.namespace`, `kubernetes.pod.name`,
 * `kubernetes.pod.uid`, `kubernetes.container.name` and the restart count
 * the file is for, `kubernetes.container.restart_count`.
 */
export function podLogFields(path: string): Record<string, string | number> {
  const m = POD_LOG.exec(path);
  if (!m) return {};
  return {
    'kubernetes.namespace': m[1]!,
    'kubernetes.pod.name': m[2]!,
    'kubernetes.pod.uid': m[3]!,
    'kubernetes.container.name': m[4]!,
    'kubernetes.container.restart_count': Number(m[5]),
  };
}
