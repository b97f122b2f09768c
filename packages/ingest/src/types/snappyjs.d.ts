// snappyjs ships no types; only what logship calls.
declare module 'snappyjs' {
  /** Throws when the stream is invalid or declares more than maxLength bytes. */
  export function uncompress<T extends Uint8Array>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array>(uncompressed: T): T;
}
