//! column-compression.ts compressColumn through Google's C brotli
//! (`brotlic`, which bundles its sources): quality 4, the input's size as
//! the hint, one streamed FINISH as Node's brotliCompressSync does, so the
//! bytes can match Node's where both carry the same brotli version.
use brotlic::encode::BrotliOperation;
use brotlic::{BrotliEncoderOptions, Quality};

const MIN_COMPRESS: usize = 64;
pub const ENC_RAW: u8 = 1;
pub const ENC_BROTLI: u8 = 2;

pub fn compress_column(raw: &[u8]) -> (u8, Vec<u8>) {
    if raw.len() < MIN_COMPRESS {
        return (ENC_RAW, raw.to_vec());
    }
    let mut enc = BrotliEncoderOptions::new()
        .quality(Quality::new(4).expect("4 is a quality"))
        .size_hint(raw.len() as u32)
        .build()
        .expect("valid options");
    let mut out = vec![0u8; raw.len() + 1024];
    let (mut read, mut written) = (0, 0);
    while !enc.is_finished() {
        if written == out.len() {
            out.resize(out.len() * 2, 0);
        }
        let r = enc.compress(&raw[read..], &mut out[written..], BrotliOperation::Finish).expect("brotli encodes");
        read += r.bytes_read;
        written += r.bytes_written;
    }
    out.truncate(written);
    if out.len() >= raw.len() {
        return (ENC_RAW, raw.to_vec());
    }
    (ENC_BROTLI, out)
}
