import protobuf from 'protobufjs';

/*
 * Loki's push request (package logproto, pkg/push/push.proto in
 * grafana/loki), written out here as a protobufjs JSON descriptor with only
 * the fields a push carries: field numbers and types are Loki's wire
 * contract, the gogoproto options (Go code generation only) are left out.
 * google.protobuf.Timestamp is declared locally with its wire shape
 * (seconds = 1, nanos = 2), which is all decoding needs.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    logproto: {
      nested: {
        PushRequest: {
          fields: {
            streams: { rule: 'repeated', type: 'StreamAdapter', id: 1 },
            format: { type: 'string', id: 2 },
          },
        },
        StreamAdapter: {
          fields: {
            labels: { type: 'string', id: 1 },
            entries: { rule: 'repeated', type: 'EntryAdapter', id: 2 },
            hash: { type: 'uint64', id: 3 },
          },
        },
        EntryAdapter: {
          fields: {
            timestamp: { type: 'Timestamp', id: 1 },
            line: { type: 'string', id: 2 },
            structuredMetadata: { rule: 'repeated', type: 'LabelPairAdapter', id: 3 },
          },
        },
        LabelPairAdapter: {
          fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        Timestamp: {
          fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } },
        },
      },
    },
  },
});

export const PushRequest = root.lookupType('logproto.PushRequest');

export interface LokiPushMessage {
  streams: { labels: string; entries: { timestamp?: { seconds: string; nanos: number }; line: string; structuredMetadata: { name: string; value: string }[] }[] }[];
}

/** Decodes a (decompressed) PushRequest; int64 seconds come back as decimal strings. */
export function decodePushRequest(bytes: Uint8Array): LokiPushMessage {
  const msg = PushRequest.decode(bytes);
  return PushRequest.toObject(msg, { longs: String, arrays: true, defaults: true }) as LokiPushMessage;
}
