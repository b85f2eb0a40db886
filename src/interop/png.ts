/**
 * PNG output through `fast-png` (a maintained pure-JS PNG codec of the image-js project; zlib from fflate): 8-bit
 * truecolour RGB, non-interlaced, with tEXt chunks for metadata. The key-image tests decode what it writes with an
 * independent decoder (test/integration/interop-key-images.test.ts).
 */
import { encode } from 'fast-png';

/** An RGB image, 3 bytes per pixel, rows top to bottom. */
export interface RgbImage {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly rgb: Uint8Array;
}

/** Encodes an RGB image as PNG; `text` becomes tEXt chunks (Latin-1 keywords of 1-79 characters). */
export function encodePng(image: RgbImage, text: Readonly<Record<string, string>> = {}): Uint8Array {
  const { widthPx: w, heightPx: h, rgb } = image;
  if (!(w > 0 && h > 0) || rgb.length !== w * h * 3) throw new RangeError(`RGB buffer of ${rgb.length} bytes for ${w}x${h}`);
  return encode({ width: w, height: h, data: rgb, depth: 8, channels: 3, text: { ...text } });
}
