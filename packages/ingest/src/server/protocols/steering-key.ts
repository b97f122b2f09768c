/**
 * Whether a name a sender chose (a Loki label or structured-metadata name,
 * an OTLP attribute key) is one that steers normalization when it sits in
 * an envelope's meta: `event.id` is the event's identity (dedupe by it), and
 * `@`-names are the envelope's own (`@time`, `@timezone`, `@truncated`,
 * `@raw`) or the stored time. A label is a property of a whole stream, not
 * an event's id: taken as one, every entry of the stream after the first
 * was dropped as a duplicate. Such names are kept under the protocol's
 * prefix instead (`loki.event.id`), as `loki.message` is.
 */
export function isSteeringKey(name: string): boolean {
  return name === 'event.id' || name.startsWith('@');
}
