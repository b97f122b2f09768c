import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPodLogPath, podLogFields } from './kubernetes-pod-log.js';

const UID = '5f8e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';

test('namespace, pod name and uid, container name and restart count from the kubelet\'s path', () => {
  assert.deepEqual(podLogFields(`/var/log/pods/shop_web-7d9f8b6c5-x2k4p_${UID}/nginx/3.log`), {
    'kubernetes.namespace': 'shop',
    'kubernetes.pod.name': 'web-7d9f8b6c5-x2k4p',
    'kubernetes.pod.uid': UID,
    'kubernetes.container.name': 'nginx',
    'kubernetes.container.restart_count': 3,
  });
  // Static pods have a hash as uid; rotated files keep their layout.
  assert.equal(podLogFields('/var/log/pods/kube-system_etcd-node1_0a1b2c3d4e5f/etcd/0.log.20261205-101500')['kubernetes.pod.uid'], '0a1b2c3d4e5f');
});

test('only the kubelet\'s files are pod logs: not its symlinks, compressed or temporary files', () => {
  assert.equal(isPodLogPath(`/var/log/pods/shop_web_${UID}/web/0.log`), true);
  assert.equal(isPodLogPath(`/var/log/pods/shop_web_${UID}/web/1.log.20261205-101500`), true);
  assert.equal(isPodLogPath(`/var/log/pods/shop_web_${UID}/web/1.log.20261205-101500.gz`), false);
  assert.equal(isPodLogPath(`/var/log/pods/shop_web_${UID}/web/1.log.20261205-101500.gz.tmp`), false);
  assert.equal(isPodLogPath(`/var/log/pods/shop_web_${UID}/web/1.log.tmp`), false);
  assert.equal(isPodLogPath('/var/log/containers/web_shop_web-0123456789abcdef.log'), false);
  assert.deepEqual(podLogFields('/var/log/containers/web_shop_web-0123456789abcdef.log'), {});
});
